package dev.deepscreen.connectors.s3;

import org.apache.kafka.common.TopicPartition;

/**
 * Names objects as the reference S3 sink does, so that a replay from the last committed offset
 * writes the same keys again instead of new ones:
 * {@code <topics.dir>/<topic>/<partition path>/<topic>+<kafkaPartition>+<startOffset>.<ext>},
 * the start offset (the first record's) zero-padded to 10 digits so keys sort by offset.
 */
public final class ObjectKeys {

  private final String topicsDir;
  private final String extension;

  public ObjectKeys(String topicsDir, String extension) {
    this.topicsDir = topicsDir;
    this.extension = extension;
  }

  /** The key of the object of {@code partition} starting at {@code startOffset}. */
  public String key(TopicPartition partition, String partitionPath, long startOffset) {
    if (startOffset < 0) {
      throw new IllegalArgumentException("negative start offset " + startOffset);
    }
    return topicsDir + "/" + partition.topic() + "/" + partitionPath + "/" + partition.topic()
        + "+" + partition.partition() + "+" + String.format("%010d", startOffset) + "."
        + extension;
  }
}
