package dev.deepscreen.streams.embedded;

import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic from the beginning with read_committed, as a downstream consumer sees it,
 * keeping what it has read: the tool of the tests that check exactly-once output.
 *
 * @param <V> the topic's value type
 */
public final class CommittedTopicReader<V extends SpecificRecord> implements AutoCloseable {

  private final KafkaConsumer<String, V> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final List<ConsumerRecord<String, V>> records = new ArrayList<>();
  private final Duration deadline;

  public CommittedTopicReader(String bootstrapServers, TopicDefinition<V> topic,
      SchemaRegistryClient registry, Duration deadline) {
    this.deadline = deadline;
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
        topic.valueSerde(registry, true).deserializer());
    partitions.addAll(partitions(topic));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Every partition of {@code topic}. */
  public static List<TopicPartition> partitions(TopicDefinition<?> topic) {
    List<TopicPartition> result = new ArrayList<>();
    for (int p = 0; p < topic.partitions(); p++) {
      result.add(new TopicPartition(topic.name(), p));
    }
    return result;
  }

  /** What has been read so far. */
  public List<ConsumerRecord<String, V>> records() {
    return records;
  }

  /** Reads until {@code done} holds for what has been read, or fails at the deadline. */
  public void awaitUntil(Predicate<List<ConsumerRecord<String, V>>> done) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!done.test(records)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not there within " + deadline + "; read " + records.size()
            + " records, keys " + records.stream().map(ConsumerRecord::key).toList());
      }
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
  }

  /** Reads up to the last stable offset of every partition as it is now. */
  public void readToEnd() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    awaitUntil(read -> partitions.stream()
        .allMatch(tp -> consumer.position(tp) >= ends.get(tp)));
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  /**
   * Waits until consumer group {@code groupId} has committed every record of {@code inputs} as
   * they end now: an application has then finished its input, and its output is all committed.
   */
  public static void awaitConsumed(Admin admin, String groupId, List<TopicPartition> inputs,
      Duration deadline) throws Exception {
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(inputs.stream()
        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
    long end = System.nanoTime() + deadline.toNanos();
    Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
    while (System.nanoTime() < end) {
      committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetAndMetadata> now = committed;
      if (inputs.stream().allMatch(tp -> ends.get(tp).offset() == 0 || (now.get(tp) != null
          && now.get(tp).offset() >= ends.get(tp).offset()))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("input not consumed within " + deadline + ": committed "
        + committed + ", ends " + ends);
  }
}
