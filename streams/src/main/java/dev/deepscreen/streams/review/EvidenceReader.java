package dev.deepscreen.streams.review;

import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one event's extraction summary and face scores for its case page: the event's partition
 * of each topic (keys are event ids, partitioned as the stages' producers do), from a minute
 * before the event's submission until a record stamped a minute after its verdict (the stages
 * stamp their output with their input's time, and all of it precedes the verdict) or the end, at
 * most a configured number of records.
 */
final class EvidenceReader {

  /** What the case page shows beyond the verdict; {@code summary} null when gone. */
  record Evidence(ExtractionSummary summary, List<FaceScore> faceScores, List<String> notes) {}

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final long SLACK_MS = Duration.ofMinutes(1).toMillis();

  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Deserializer<ExtractionSummary> summaries;
  private final Deserializer<FaceScore> scores;
  private final DeadLetters deadLetters;
  private final int maxRecords;

  EvidenceReader(Supplier<Consumer<String, byte[]>> consumers,
      Deserializer<ExtractionSummary> summaries, Deserializer<FaceScore> scores,
      DeadLetters deadLetters, int maxRecords) {
    this.consumers = consumers;
    this.summaries = summaries;
    this.scores = scores;
    this.deadLetters = deadLetters;
    this.maxRecords = maxRecords;
  }

  Evidence read(Verdict verdict) {
    String eventId = verdict.getEventId().toString();
    long from = verdict.getSubmittedAt().toEpochMilli() - SLACK_MS;
    List<String> notes = new ArrayList<>();
    ExtractionSummary summary = null;
    List<FaceScore> faceScores = new ArrayList<>();
    try (Consumer<String, byte[]> consumer = consumers.get()) {
      long until = verdict.getDecidedAt().toEpochMilli() + SLACK_MS;
      for (ConsumerRecord<String, byte[]> record : read(consumer,
          Topics.EXTRACTION_SUMMARIES.name(), eventId, from, until, notes)) {
        try {
          ExtractionSummary read = summaries.deserialize(record.topic(), record.value());
          summary = read == null ? summary : read;
        } catch (RuntimeException e) {
          deadLetters.send(record, e);
          notes.add("An extraction summary of this event could not be read (sent to "
              + Topics.DEAD_LETTERS.name() + ").");
        }
      }
      for (ConsumerRecord<String, byte[]> record : read(consumer, Topics.FACE_SCORES.name(),
          eventId, from, until, notes)) {
        try {
          FaceScore score = scores.deserialize(record.topic(), record.value());
          if (score != null) {
            faceScores.add(score);
          }
        } catch (RuntimeException e) {
          deadLetters.send(record, e);
          notes.add("A face score of this event could not be read (sent to "
              + Topics.DEAD_LETTERS.name() + ").");
        }
      }
    }
    if (summary == null) {
      notes.add("The extraction summary is no longer in " + Topics.EXTRACTION_SUMMARIES.name()
          + " (kept 7 days).");
    }
    if (faceScores.isEmpty() && verdict.getFacesScored() > 0) {
      notes.add("The face scores are no longer in " + Topics.FACE_SCORES.name()
          + " (kept 7 days): per-face figures are missing.");
    }
    faceScores.sort(Comparator.comparingInt(FaceScore::getFrameIndex)
        .thenComparingInt(FaceScore::getFaceIndex));
    return new Evidence(summary, List.copyOf(faceScores), List.copyOf(notes));
  }

  private List<ConsumerRecord<String, byte[]>> read(Consumer<String, byte[]> consumer,
      String topic, String eventId, long from, long until, List<String> notes) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      notes.add("The topic " + topic + " does not exist.");
      return List.of();
    }
    byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
    TopicPartition partition = new TopicPartition(topic,
        Utils.toPositive(Utils.murmur2(key)) % infos.size());
    consumer.assign(List.of(partition));
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, Math.max(0, from)))
        .get(partition);
    if (start == null) {
      return List.of(); // nothing that recent
    }
    consumer.seek(partition, start.offset());
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    int read = 0;
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (consumer.position(partition) < end) {
      if (System.nanoTime() > deadline) {
        notes.add("Reading " + topic + " took longer than " + READ_TIMEOUT.toSeconds()
            + " s; some of this event's records may be missing.");
        return found;
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        if (record.offset() >= end || record.timestamp() > until) {
          return found;
        }
        if (++read > maxRecords) {
          notes.add("Stopped reading " + topic + " after " + maxRecords + " records; some of"
              + " this event's records may be missing.");
          return found;
        }
        if (eventId.equals(record.key())) {
          found.add(record);
        }
      }
    }
    return found;
  }
}
