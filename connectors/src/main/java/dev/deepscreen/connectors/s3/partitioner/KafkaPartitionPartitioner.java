package dev.deepscreen.connectors.s3.partitioner;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.sink.SinkRecord;

/** One folder per Kafka partition: {@code partition=<n>}, the reference connector's default. */
public final class KafkaPartitionPartitioner implements Partitioner {
  @Override
  public String partitionPath(SinkRecord record, GenericRecord value) {
    return "partition=" + record.kafkaPartition();
  }
}
