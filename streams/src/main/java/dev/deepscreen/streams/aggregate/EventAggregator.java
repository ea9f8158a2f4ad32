package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.streams.app.DeadLetterHandler;
import dev.deepscreen.streams.app.PipelineMetric;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers each event's extraction summary and face scores and emits its one verdict: when every
 * expected score has come, when the event's completion timeout passes (PARTIAL), or at once when
 * the summary says there is nothing to score. Scores may come before their summary. Outputs
 * {@link Verdict}s and, for scores whose summary never came, {@link DeadLetter}s.
 *
 * <p>State, all in changelogged stores so that it moves with the task: the summary of each
 * pending event, its distinct scores (keyed by event, frame and face, so a duplicate replaces
 * nothing), a {@link PendingEvent} per pending event, and per decided event the wall-clock time
 * of its verdict, with an index by that time so that expiring old markers reads only those.
 *
 * <p>Timeouts are judged by stream time and by wall-clock time, whichever passes first (see
 * {@link Deadlines}).
 */
final class EventAggregator implements Processor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(EventAggregator.class);

  private final VerdictFactory verdicts;
  private final String applicationId;
  private final Duration punctuateInterval;
  private final long timeoutMs;
  private final long retentionMs;
  private final long abandonedAfterMs;
  private final MeterRegistry meters;
  private Deadlines deadlines;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ExtractionSummary> summaries;
  private KeyValueStore<String, FaceScore> scores;
  private KeyValueStore<String, PendingEvent> pending;
  private KeyValueStore<String, Long> decided;
  private KeyValueStore<String, String> decidedByTime;

  EventAggregator(AggregateConfig config, MeterRegistry meters) {
    this.meters = meters;
    this.verdicts = VerdictFactory.of(config);
    this.applicationId = config.applicationId();
    this.punctuateInterval = config.punctuateInterval();
    this.timeoutMs = config.completionTimeout().toMillis();
    this.retentionMs = config.decidedRetention().toMillis();
    this.abandonedAfterMs = config.abandonedAfter().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    summaries = context.getStateStore(AggregateTopology.SUMMARY_STORE);
    scores = context.getStateStore(AggregateTopology.SCORE_STORE);
    pending = context.getStateStore(AggregateTopology.PENDING_STORE);
    decided = context.getStateStore(AggregateTopology.DECIDED_STORE);
    decidedByTime = context.getStateStore(AggregateTopology.DECIDED_BY_TIME_STORE);
    deadlines = new Deadlines(timeoutMs, abandonedAfterMs, context.currentSystemTimeMs());
    context.schedule(punctuateInterval, PunctuationType.STREAM_TIME,
        now -> sweep(PunctuationType.STREAM_TIME, now));
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME,
        now -> sweep(PunctuationType.WALL_CLOCK_TIME, now));
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord value = record.value();
    if (value instanceof ExtractionSummary summary) {
      onSummary(eventId(record.key(), summary.getEventId().toString()), summary, record);
    } else if (value instanceof FaceScore score) {
      onScore(eventId(record.key(), score.getEventId().toString()), score, record);
    } else {
      // Tombstones carry nothing to aggregate; the topics are not compacted, so none is expected.
      LOG.debug("Ignoring a record without value for key {}", record.key());
    }
  }

  private void onSummary(String eventId, ExtractionSummary summary,
      Record<String, SpecificRecord> record) {
    if (decided.get(eventId) != null) {
      LOG.info("Event {} already has its verdict; ignoring its summary (re-submission?)",
          eventId);
      return;
    }
    if (summaries.get(eventId) != null) {
      LOG.info("Event {} already has a summary; ignoring a second one", eventId);
      return;
    }
    PendingEvent event = pendingOrFirstSeen(eventId, record)
        .withSummary(streamTime(record), context.currentSystemTimeMs());
    if (summary.getStatus() != ExtractionStatus.OK || summary.getCropsEmitted() <= 0
        || event.scores() >= summary.getCropsEmitted()) {
      decide(eventId, summary, false);
      return;
    }
    summaries.put(eventId, summary);
    pending.put(eventId, event);
  }

  private void onScore(String eventId, FaceScore score, Record<String, SpecificRecord> record) {
    if (decided.get(eventId) != null) {
      LOG.debug("Event {} already has its verdict; ignoring a late score", eventId);
      return;
    }
    PendingEvent event = pendingOrFirstSeen(eventId, record);
    String key = scoreKey(eventId, score);
    FaceScore earlier = scores.get(key);
    if (earlier == null) {
      scores.put(key, score);
      event = event.withOneMoreScore();
    } else if (earlier.getStatus() != ScoreStatus.OK && score.getStatus() == ScoreStatus.OK) {
      // A retried face that now scored replaces its failure; it still counts once.
      scores.put(key, score);
    }
    ExtractionSummary summary = summaries.get(eventId);
    if (summary != null && event.scores() >= summary.getCropsEmitted()) {
      decide(eventId, summary, false);
    } else {
      pending.put(eventId, event);
    }
  }

  private void decide(String eventId, ExtractionSummary summary, boolean timedOut) {
    List<FaceScore> eventScores = removeScores(eventId);
    long now = context.currentSystemTimeMs();
    Verdict verdict = verdicts.decide(summary, eventScores, timedOut, now);
    summaries.delete(eventId);
    pending.delete(eventId);
    decided.put(eventId, now);
    decidedByTime.put(timeKey(now, eventId), eventId);
    context.forward(new Record<>(eventId, verdict, now));
    PipelineMetric.VERDICTS.count(meters, 1, verdict.getStatus().name());
    PipelineMetric.VERDICT_LATENCY_SECONDS.observe(meters,
        verdict.getTimings().getEndToEndMs() / 1000.0);
  }

  private void abandon(String eventId, PendingEvent event) {
    List<FaceScore> dropped = removeScores(eventId);
    pending.delete(eventId);
    long now = context.currentSystemTimeMs();
    String message = "no extraction summary came within " + abandonedAfterMs + " ms of the"
        + " event's first face score; dropped " + dropped.size() + " face scores";
    LOG.warn("Event {}: {}", eventId, message);
    DeadLetter letter = DeadLetterHandler.deadLetter(Stage.AGGREGATE, applicationId,
        event.firstTopic(), event.firstPartition(), event.firstOffset(), event.firstTimestamp(),
        eventId.getBytes(StandardCharsets.UTF_8), null, new AbandonedEventException(message),
        Instant.ofEpochMilli(now));
    context.forward(new Record<>(eventId, letter, now));
  }

  /**
   * Checks every pending event against the clock of this punctuation, and on the wall clock
   * forgets the decided events older than the retention.
   */
  private void sweep(PunctuationType clock, long now) {
    boolean wall = clock == PunctuationType.WALL_CLOCK_TIME;
    if (wall) {
      expireDecided(now - retentionMs);
    }
    for (KeyValue<String, PendingEvent> entry : snapshot(pending)) {
      if (deadlines.timedOut(entry.value, wall, now)) {
        decide(entry.key, summaries.get(entry.key), true);
      } else if (deadlines.abandoned(entry.value, wall, now)) {
        abandon(entry.key, entry.value);
      }
    }
  }

  /** Forgets the events decided at or before {@code cutoff}, wall-clock time. */
  private void expireDecided(long cutoff) {
    if (cutoff < 0) {
      return;
    }
    List<KeyValue<String, String>> expired = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        decidedByTime.range(null, timeKey(cutoff, "~"))) {
      it.forEachRemaining(expired::add);
    }
    for (KeyValue<String, String> entry : expired) {
      decidedByTime.delete(entry.key);
      decided.delete(entry.value);
    }
  }

  // Zero-padded so that the keys' byte order is time order; "~" sorts after any event id.
  private static String timeKey(long wallMs, String eventId) {
    return String.format("%019d/%s", wallMs, eventId);
  }

  private PendingEvent pendingOrFirstSeen(String eventId, Record<String, SpecificRecord> record) {
    PendingEvent event = pending.get(eventId);
    if (event != null) {
      return event;
    }
    RecordMetadata metadata = context.recordMetadata().orElse(null);
    return PendingEvent.firstSeen(streamTime(record), context.currentSystemTimeMs(),
        metadata == null ? "" : metadata.topic(), metadata == null ? -1 : metadata.partition(),
        metadata == null ? -1 : metadata.offset(), record.timestamp());
  }

  private long streamTime(Record<String, SpecificRecord> record) {
    return Math.max(context.currentStreamTimeMs(), record.timestamp());
  }

  private List<FaceScore> removeScores(String eventId) {
    List<KeyValue<String, FaceScore>> found = new ArrayList<>();
    try (KeyValueIterator<String, FaceScore> it =
        scores.prefixScan(eventId + "/", new StringSerializer())) {
      it.forEachRemaining(found::add);
    }
    found.forEach(kv -> scores.delete(kv.key));
    return found.stream().map(kv -> kv.value).toList();
  }

  // Stores must not change under an open iterator: read first, act after.
  private static <V> List<KeyValue<String, V>> snapshot(KeyValueStore<String, V> store) {
    List<KeyValue<String, V>> entries = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }

  static String scoreKey(String eventId, FaceScore score) {
    return eventId + "/" + score.getFrameIndex() + "/" + score.getFaceIndex();
  }

  // Keys are the event id; the value's copy is the fallback for a producer that forgot it.
  private static String eventId(String key, String fromValue) {
    return key != null ? key : fromValue;
  }
}
