package dev.deepscreen.streams.cli;

import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.streams.app.StageRunner;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * For commands that read a topic by assignment, without a consumer group, up to the end it had
 * when they started (with read_committed: the last stable offsets).
 */
final class TopicEnds {

  private TopicEnds() {}

  /**
   * The topic's partitions.
   *
   * @throws CommandException (1) when the topic does not exist
   */
  static List<TopicPartition> partitions(Consumer<?, ?> consumer, TopicDefinition<?> topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic.name());
    if (infos == null || infos.isEmpty()) {
      throw new CommandException(StageRunner.EXIT_FAILED, "The topic " + topic.name()
          + " does not exist (see 'deepscreen topics create')");
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  /** Whether {@code consumer} has read every partition of {@code end} up to its offset there. */
  static boolean caughtUp(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (consumer.position(partition.getKey()) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }
}
