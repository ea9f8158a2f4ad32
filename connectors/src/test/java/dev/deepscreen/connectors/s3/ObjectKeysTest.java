package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

  @Test
  void namesObjectsByTopicPartitionAndPaddedStartOffset() {
    ObjectKeys keys = new ObjectKeys("topics", "avro");
    assertThat(keys.key(new TopicPartition("verdicts", 3), "partition=3", 42))
        .isEqualTo("topics/verdicts/partition=3/verdicts+3+0000000042.avro");
  }

  @Test
  void keepsANestedPrefixAndALongOffset() {
    ObjectKeys keys = new ObjectKeys("audit/kafka", "json");
    assertThat(keys.key(new TopicPartition("verdicts", 0), "year=2026/month=11/day=21",
        12_345_678_901L))
        .isEqualTo("audit/kafka/verdicts/year=2026/month=11/day=21/verdicts+0+12345678901.json");
  }

  @Test
  void keysSortByOffset() {
    ObjectKeys keys = new ObjectKeys("t", "avro");
    TopicPartition tp = new TopicPartition("v", 1);
    assertThat(keys.key(tp, "p", 9)).isLessThan(keys.key(tp, "p", 10));
  }

  @Test
  void refusesNegativeOffsets() {
    assertThatThrownBy(() -> new ObjectKeys("t", "avro").key(new TopicPartition("v", 0), "p", -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("negative start offset -1");
  }
}
