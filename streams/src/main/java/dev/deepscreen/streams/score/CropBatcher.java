package dev.deepscreen.streams.score;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.DeadLetterHandler;
import dev.deepscreen.streams.app.PipelineMetric;
import dev.deepscreen.core.inference.Ensemble;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the face crops of one partition into batches and emits one face score per crop, OK or
 * FAILED, plus a dead letter for each failure.
 *
 * <p>Why a state store: under exactly-once, Kafka Streams commits the input offsets of every
 * record processed so far, whenever it commits. A crop held only in memory while its batch fills
 * would count as done at such a commit, and a crash before its batch ran would lose it. So every
 * crop waiting for its batch is also written to a changelogged store, keyed by its input offset,
 * in the same transaction as the offset; scoring a batch deletes its crops from the store in the
 * transaction that writes their scores. After a crash, the store comes back as of the last
 * commit, and the crops it holds are scored first: none lost, none scored twice. The store is
 * cached, so a crop written and deleted between two commits never reaches the changelog.
 *
 * <p>A batch is scored when it is full, or when its oldest crop has waited the maximum wait
 * (checked by a wall-clock punctuation).
 */
final class CropBatcher implements Processor<String, FaceCrop, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(CropBatcher.class);

  /** A crop waiting for its batch. */
  private record Waiting(long offset, String key, FaceCrop crop, long timestamp, long since) {}

  private final FaceScorer scorer;
  private final String applicationId;
  private final int maxSize;
  private final long maxWaitMs;
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private ProcessorContext<String, SpecificRecord> context;
  private final MeterRegistry meters;
  private TimestampedKeyValueStore<Long, FaceCrop> store;

  CropBatcher(Ensemble ensemble, ScoreConfig config, MeterRegistry meters) {
    this.scorer = new FaceScorer(ensemble);
    this.applicationId = config.applicationId();
    this.maxSize = config.batchMaxSize();
    this.maxWaitMs = config.batchMaxWait().toMillis();
    this.meters = meters;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(ScoreTopology.BUFFER_STORE);
    // Kafka Streams may initialise a revived task's processor again: the store is the truth.
    waiting.clear();
    // Crops left waiting by an earlier run of this task: scored at the first punctuation.
    try (KeyValueIterator<Long, ValueAndTimestamp<FaceCrop>> restored = store.all()) {
      while (restored.hasNext()) {
        KeyValue<Long, ValueAndTimestamp<FaceCrop>> entry = restored.next();
        FaceCrop crop = entry.value.value();
        waiting.add(new Waiting(entry.key, crop.getEventId().toString(), crop,
            entry.value.timestamp(), Long.MIN_VALUE));
      }
    }
    if (!waiting.isEmpty()) {
      LOG.info("Task {}: {} crops were waiting for their batch when the task last stopped",
          context.taskId(), waiting.size());
    }
    Duration tick = Duration.ofMillis(Math.max(1, Math.min(maxWaitMs / 2, 1_000)));
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::flushOverdue);
  }

  @Override
  public void process(Record<String, FaceCrop> record) {
    FaceCrop crop = record.value();
    if (crop == null) {
      return; // a tombstone carries no crop
    }
    long offset = context.recordMetadata().orElseThrow().offset();
    store.put(offset, ValueAndTimestamp.make(crop, record.timestamp()));
    waiting.add(new Waiting(offset, crop.getEventId().toString(), crop, record.timestamp(),
        context.currentSystemTimeMs()));
    if (waiting.size() >= maxSize || maxWaitMs == 0) {
      flush();
    }
  }

  private void flushOverdue(long now) {
    while (!waiting.isEmpty() && (waiting.peekFirst().since() == Long.MIN_VALUE
        || now - waiting.peekFirst().since() >= maxWaitMs)) {
      flush();
    }
  }

  /** Scores the oldest crops, up to a full batch, and forgets them. */
  private void flush() {
    List<Waiting> batch = new ArrayList<>(Math.min(maxSize, waiting.size()));
    while (batch.size() < maxSize && !waiting.isEmpty()) {
      batch.add(waiting.pollFirst());
    }
    long started = System.nanoTime();
    List<FaceScorer.Outcome> outcomes = scorer.score(batch.stream().map(Waiting::crop).toList());
    PipelineMetric.INFERENCE_SECONDS.observe(meters, (System.nanoTime() - started) / 1e9);
    PipelineMetric.BATCH_SIZE.observe(meters, batch.size());
    // The wall clock: the thread's cached time (context.currentSystemTimeMs()) predates the
    // inference that just ran.
    Instant scoredAt = Instant.ofEpochMilli(System.currentTimeMillis());
    for (int i = 0; i < batch.size(); i++) {
      Waiting item = batch.get(i);
      FaceScorer.Outcome outcome = outcomes.get(i);
      context.forward(new Record<>(item.key(), scorer.faceScore(item.crop(), outcome, scoredAt),
          item.timestamp()));
      PipelineMetric.FACES_SCORED.count(meters, 1,
          outcome.failed() ? ScoreStatus.FAILED.name() : ScoreStatus.OK.name());
      if (outcome.failed()) {
        LOG.info("Crop {}/{} of event {} failed: {}", item.crop().getFrameIndex(),
            item.crop().getFaceIndex(), item.key(), outcome.failure().getMessage());
        context.forward(new Record<>(item.key(), DeadLetterHandler.deadLetter(Stage.SCORE,
            applicationId, Topics.FACE_CROPS.name(), context.taskId().partition(),
            item.offset(), item.timestamp(), item.key().getBytes(StandardCharsets.UTF_8), null,
            outcome.failure(), scoredAt), item.timestamp()));
      }
      store.delete(item.offset());
    }
  }
}
