package dev.deepscreen.streams.aggregate;

/**
 * When a pending event stops waiting, on either clock: its summary's completion timeout, or the
 * abandonment of scores whose summary never came.
 *
 * <p>On the wall clock a deadline never falls sooner than a full period after the processor
 * started: after an outage the backlog of scores waiting in the input topics must be read before
 * the events waiting for them give up. Stream time needs no such care, as it only moves with
 * the records read.
 *
 * @param timeoutMs completion timeout, counted from the summary's arrival
 * @param abandonedAfterMs abandonment delay, counted from the event's first record
 * @param startedWallMs wall-clock time when the processor started
 */
record Deadlines(long timeoutMs, long abandonedAfterMs, long startedWallMs) {

  /** Whether an event with its summary has waited long enough for missing scores. */
  boolean timedOut(PendingEvent event, boolean wallClock, long now) {
    long since = wallClock ? Math.max(event.summaryWallMs(), startedWallMs)
        : event.summaryStreamMs();
    return event.hasSummary() && now - since >= timeoutMs;
  }

  /** Whether an event without summary has waited long enough for it. */
  boolean abandoned(PendingEvent event, boolean wallClock, long now) {
    long since = wallClock ? Math.max(event.firstSeenWallMs(), startedWallMs)
        : event.firstSeenStreamMs();
    return !event.hasSummary() && now - since >= abandonedAfterMs;
  }
}
