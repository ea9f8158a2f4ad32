package dev.deepscreen.connectors.s3.partitioner;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Chooses the folder (below the topic's) of a record's object. The path has no leading or
 * trailing slash. Implementations that depend only on the record are deterministic on replay,
 * which the exactly-once object names rely on.
 */
public interface Partitioner {

  /**
   * The partition path of a decoded record.
   *
   * @throws org.apache.kafka.connect.errors.DataException if the record has no usable value for
   *     this partitioner (the task reports it as an errant record)
   */
  String partitionPath(SinkRecord record, GenericRecord value);
}
