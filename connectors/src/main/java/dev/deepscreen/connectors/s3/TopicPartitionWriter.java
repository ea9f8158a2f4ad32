package dev.deepscreen.connectors.s3;

import dev.deepscreen.connectors.s3.format.RecordFormat;
import dev.deepscreen.connectors.s3.format.RecordWriter;
import dev.deepscreen.connectors.s3.partitioner.Partitioner;
import dev.deepscreen.connectors.s3.storage.S3OutputStream;
import dev.deepscreen.connectors.s3.storage.S3Storage;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Writes the records of one Kafka partition into objects, one open object per partition path.
 * All open objects of the partition are written together (a "rotation") when the batch holds
 * {@code flush.size} records, when a record's timestamp is {@code rotate.interval.ms} past the
 * batch's first, when a record's writer schema differs from its object's, or at the wall-clock
 * schedule. Only then does the offset after the batch become committable.
 *
 * <p>Because every rule but the schedule depends only on the records, a replay from a committed
 * offset (always a batch boundary) cuts the same batches and writes the same keys again.
 */
final class TopicPartitionWriter {

  private final TopicPartition partition;
  private final Partitioner partitioner;
  private final RecordFormat format;
  private final S3Storage storage;
  private final ObjectKeys keys;
  private final Clock clock;
  private final int flushSize;
  private final long rotateIntervalMs;
  private final long scheduleIntervalMs;
  private final int partSize;

  private final Map<String, OpenObject> open = new LinkedHashMap<>();
  private int batchRecords;
  private long batchFirstTimestamp = -1;
  private long scheduledRotation = Long.MAX_VALUE;
  private long lastOffset = -1;
  private long nextExpectedOffset = -1;
  private long committableOffset = -1;
  /** The offset of the first record of the batch being written; -1 between batches. */
  private long batchStartOffset = -1;
  /** After a rewind, the offset the partition was rewound to; -1 otherwise. */
  private long resumeOffset = -1;

  private record OpenObject(S3OutputStream stream, RecordWriter writer, Schema schema) {}

  TopicPartitionWriter(TopicPartition partition, S3SinkConfig config, Partitioner partitioner,
      RecordFormat format, S3Storage storage, Clock clock) {
    this.partition = partition;
    this.partitioner = partitioner;
    this.format = format;
    this.storage = storage;
    this.keys = new ObjectKeys(config.topicsDir(), format.extension());
    this.clock = clock;
    this.flushSize = config.flushSize();
    this.rotateIntervalMs = config.rotateIntervalMs();
    this.scheduleIntervalMs = config.rotateScheduleIntervalMs();
    this.partSize = config.partSize();
  }

  /**
   * Whether the record is new to this writer. Connect delivers a batch again after a
   * {@link org.apache.kafka.connect.errors.RetriableException}; the records this writer already
   * took must not be written twice. After a {@link #rewind()}, the records before the one at the
   * rewound offset are not taken either: Connect first delivers the failed batch again, which
   * may begin after that offset, and only then the records read again from it.
   */
  boolean isNew(SinkRecord record) {
    if (resumeOffset >= 0) {
      if (record.kafkaOffset() != resumeOffset) {
        return false;
      }
      resumeOffset = -1;
      return true;
    }
    return record.kafkaOffset() >= nextExpectedOffset;
  }

  /** Adds a decoded record to its object, writing the batch first when a rule says so. */
  void write(SinkRecord record, GenericRecord value) {
    if (!open.isEmpty() && rotateIntervalMs > 0 && record.timestamp() != null
        && record.timestamp() - batchFirstTimestamp >= rotateIntervalMs) {
      rotate();
    }
    String path = partitioner.partitionPath(record, value);
    OpenObject object = open.get(path);
    if (object != null && !object.schema().equals(value.getSchema())) {
      // A container file holds one schema; a new writer schema starts a new batch.
      rotate();
      object = null;
    }
    if (object == null) {
      object = start(path, record.kafkaOffset(), value.getSchema());
    }
    if (batchRecords == 0) {
      batchStartOffset = record.kafkaOffset();
    }
    try {
      object.writer().write(value);
    } catch (IOException | RuntimeException e) {
      throw new ConnectException("Cannot encode the record at " + partition + " offset "
          + record.kafkaOffset() + " into " + object.stream().key() + ": " + e, e);
    }
    if (batchRecords == 0) {
      batchFirstTimestamp = record.timestamp() == null ? -1 : record.timestamp();
      if (scheduleIntervalMs > 0) {
        scheduledRotation = (clock.millis() / scheduleIntervalMs + 1) * scheduleIntervalMs;
      }
    }
    batchRecords++;
    accept(record);
    if (batchRecords >= flushSize) {
      rotate();
    }
  }

  /** Passes over a record that goes into no object (a tombstone, an errant record). */
  void skip(SinkRecord record) {
    accept(record);
    if (open.isEmpty()) {
      committableOffset = record.kafkaOffset() + 1;
    }
  }

  private void accept(SinkRecord record) {
    lastOffset = record.kafkaOffset();
    nextExpectedOffset = lastOffset + 1;
  }

  /** Writes the batch when the wall-clock schedule says so; called on every put. */
  void rotateIfScheduled() {
    if (!open.isEmpty() && clock.millis() >= scheduledRotation) {
      rotate();
    }
  }

  private OpenObject start(String path, long offset, Schema schema) {
    S3OutputStream stream = storage.create(keys.key(partition, path, offset), partSize);
    try {
      OpenObject object = new OpenObject(stream, format.open(stream, schema), schema);
      open.put(path, object);
      return object;
    } catch (IOException e) {
      stream.abort();
      throw new ConnectException("Cannot start object " + stream.key() + ": " + e, e);
    }
  }

  /** Writes every open object, then makes the offset after the batch committable. */
  private void rotate() {
    for (OpenObject object : open.values()) {
      try {
        object.writer().finish();
      } catch (IOException e) {
        throw new ConnectException("Cannot finish object " + object.stream().key() + ": " + e,
            e);
      }
      object.stream().commit();
    }
    open.clear();
    batchRecords = 0;
    batchStartOffset = -1;
    batchFirstTimestamp = -1;
    scheduledRotation = Long.MAX_VALUE;
    committableOffset = lastOffset + 1;
  }

  /** The offset to commit: the one after the last record of the last written batch. */
  OptionalLong committableOffset() {
    return committableOffset < 0 ? OptionalLong.empty() : OptionalLong.of(committableOffset);
  }

  /**
   * Drops the unwritten batch after a write failed, and goes back to its first record: the
   * records from there are taken again (see {@link #isNew}) and cut into the same objects, so a
   * batch that was partly written rewrites the same keys.
   *
   * @return the offset the partition must be read again from
   */
  long rewind() {
    // A failure comes from writing a batch, so there is one; without, nothing was taken.
    long offset = batchStartOffset >= 0 ? batchStartOffset : nextExpectedOffset;
    resumeOffset = batchStartOffset;
    close();
    batchFirstTimestamp = -1;
    scheduledRotation = Long.MAX_VALUE;
    nextExpectedOffset = offset;
    return offset;
  }

  /** Drops the unwritten batch; its records are read again from the committed offset. */
  void close() {
    open.values().forEach(object -> object.stream().abort());
    open.clear();
    batchRecords = 0;
    batchStartOffset = -1;
  }
}
