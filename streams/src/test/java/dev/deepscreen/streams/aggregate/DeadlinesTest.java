package dev.deepscreen.streams.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadlinesTest {

  private static final long STARTED = 1_000_000;
  private final Deadlines deadlines = new Deadlines(100, 500, STARTED);

  private static PendingEvent withSummaryAt(long streamMs, long wallMs) {
    return PendingEvent.firstSeen(streamMs, wallMs, "face-scores", 0, 0, 0)
        .withSummary(streamMs, wallMs);
  }

  @Test
  void eachClockCountsFromItsOwnArrivalTime() {
    PendingEvent event = withSummaryAt(50, STARTED + 10);
    assertThat(deadlines.timedOut(event, false, 149)).isFalse();
    assertThat(deadlines.timedOut(event, false, 150)).isTrue();
    assertThat(deadlines.timedOut(event, true, STARTED + 109)).isFalse();
    assertThat(deadlines.timedOut(event, true, STARTED + 110)).isTrue();
  }

  @Test
  void anEventFromBeforeAnOutageGetsAFullTimeoutAfterTheStartOnTheWallClock() {
    PendingEvent beforeOutage = withSummaryAt(50, STARTED - 10_000);
    assertThat(deadlines.timedOut(beforeOutage, true, STARTED + 99)).isFalse();
    assertThat(deadlines.timedOut(beforeOutage, true, STARTED + 100)).isTrue();
    // Stream time has no such grace: it only moves with the records read.
    assertThat(deadlines.timedOut(beforeOutage, false, 150)).isTrue();
  }

  @Test
  void onlyEventsWithoutSummaryAreAbandoned() {
    PendingEvent scoresOnly = PendingEvent.firstSeen(0, STARTED - 10_000, "face-scores", 0, 0, 0);
    assertThat(deadlines.abandoned(scoresOnly, true, STARTED + 499)).isFalse();
    assertThat(deadlines.abandoned(scoresOnly, true, STARTED + 500)).isTrue();
    assertThat(deadlines.abandoned(scoresOnly, false, 500)).isTrue();
    assertThat(deadlines.timedOut(scoresOnly, false, 10_000)).isFalse();
    assertThat(deadlines.abandoned(withSummaryAt(0, STARTED), false, 10_000)).isFalse();
  }
}
