package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroJson;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The reviewers' decisions for {@code deepscreen verdicts}: the latest decision per event, as the
 * compacted review-decisions topic keeps it, read to its end at start and then kept up to date.
 * A cluster without the topic simply has no decisions.
 */
final class FinalActions implements AutoCloseable {

  private final KafkaConsumer<String, ReviewDecision> consumer;
  private final Map<String, ReviewDecision> decisions = new HashMap<>();
  private final PrintStream err;

  FinalActions(Map<String, Object> consumerProps, SchemaRegistryClient registry,
      PrintStream err) {
    this.err = err;
    List<PartitionInfo> infos;
    KafkaConsumer<String, ReviewDecision> created = new KafkaConsumer<>(consumerProps,
        new StringDeserializer(), Topics.REVIEW_DECISIONS.valueSerde(registry, false)
            .deserializer());
    infos = created.partitionsFor(Topics.REVIEW_DECISIONS.name());
    if (infos == null || infos.isEmpty()) {
      created.close();
      this.consumer = null;
      return;
    }
    this.consumer = created;
    List<TopicPartition> partitions = infos.stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      poll(Duration.ofMillis(200));
    }
  }

  /** Reads the decisions that came since. */
  void update() {
    if (consumer != null) {
      poll(Duration.ZERO);
    }
  }

  private void poll(Duration timeout) {
    try {
      for (ConsumerRecord<String, ReviewDecision> record : consumer.poll(timeout)) {
        if (record.value() == null) {
          decisions.remove(record.key());
        } else {
          decisions.put(record.key(), record.value());
        }
      }
    } catch (RecordDeserializationException e) {
      err.println("Skipping " + e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
  }

  ReviewDecision of(Verdict verdict) {
    return decisions.get(verdict.getEventId().toString());
  }

  /** The verdict as a JSON line with its final action and the decision behind it, if any. */
  String jsonLine(Verdict verdict) {
    ReviewDecision decision = of(verdict);
    String line = AvroJson.line(verdict);
    return line.substring(0, line.lastIndexOf('}')) + ",\"final_action\":\""
        + VerdictTable.finalAction(verdict, decision) + "\",\"review\":"
        + (decision == null ? "null" : AvroJson.line(decision)) + "}";
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close();
    }
  }
}
