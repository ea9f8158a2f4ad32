package dev.deepscreen.connectors.s3;

import dev.deepscreen.connectors.s3.format.Formats;
import dev.deepscreen.connectors.s3.format.RecordFormat;
import dev.deepscreen.connectors.s3.partitioner.Partitioner;
import dev.deepscreen.connectors.s3.partitioner.Partitioners;
import dev.deepscreen.connectors.s3.storage.S3Storage;
import dev.deepscreen.connectors.s3.storage.S3UnavailableException;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record, hands it to the writer of its partition and tells Connect which offsets
 * are safe to commit: only those of records already in written objects ({@link #preCommit}).
 * A record that cannot be decoded or placed goes to the errant record reporter, which honours
 * {@code errors.tolerance} and the dead-letter queue topic. An S3 outage rewinds the partition
 * being written and asks Connect to retry later ({@link #put}).
 */
public class S3SinkTask extends SinkTask {

  private static final Logger log = LoggerFactory.getLogger(S3SinkTask.class);

  private final Map<TopicPartition, TopicPartitionWriter> writers = new HashMap<>();
  private final Clock clock;
  private S3SinkConfig config;
  private SchemaRegistryClient registry;
  private RecordDecoder decoder;
  private Partitioner partitioner;
  private RecordFormat format;
  private S3Storage storage;
  private ErrantRecordReporter reporter;

  public S3SinkTask() {
    this(Clock.systemUTC());
  }

  S3SinkTask(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new S3SinkConfig(props);
    registry = SchemaRegistries.connect(config.registrySettings());
    decoder = new RecordDecoder(registry);
    partitioner = Partitioners.create(config, clock);
    format = Formats.create(config.format());
    storage = S3Storage.connect(config);
    storage.checkBucket();
    reporter = errantRecordReporter();
    log.info("S3 sink task writing {} objects to s3://{}/{}", config.format(), config.bucket(),
        config.topicsDir());
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      // Workers before Kafka 2.6 have no reporter: an errant record then fails the task.
      return null;
    }
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      writers.put(partition, new TopicPartitionWriter(partition, config, partitioner, format,
          storage, clock));
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    for (SinkRecord record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
      TopicPartitionWriter writer = writers.get(partition);
      if (writer == null) {
        throw new ConnectException("Record of unassigned partition " + record.topic() + "-"
            + record.kafkaPartition());
      }
      if (writer.isNew(record)) {
        try {
          write(writer, record);
        } catch (S3UnavailableException e) {
          throw retryLater(partition, writer, e);
        }
      }
    }
    for (Map.Entry<TopicPartition, TopicPartitionWriter> entry : writers.entrySet()) {
      try {
        entry.getValue().rotateIfScheduled();
      } catch (S3UnavailableException e) {
        throw retryLater(entry.getKey(), entry.getValue(), e);
      }
    }
  }

  /**
   * S3 failed in a way that may pass: the partition's unwritten batch is dropped, Connect reads
   * the partition again from the batch's first record, and delivers records again only after
   * {@code retry.backoff.ms}. The task keeps running; objects are named by their first record's
   * offset, so the batch is cut and named as before.
   */
  private S3UnavailableException retryLater(TopicPartition partition,
      TopicPartitionWriter writer, S3UnavailableException e) {
    long offset = writer.rewind();
    context.offset(partition, offset);
    context.timeout(config.retryBackoffMs());
    log.warn("S3 is unavailable: {} goes back to offset {}, and records come again in {} ms."
        + " {}", partition, offset, config.retryBackoffMs(), e.getMessage());
    return e;
  }

  private void write(TopicPartitionWriter writer, SinkRecord record) {
    if (record.value() == null) {
      // A tombstone of the compacted topic: there is no record to archive.
      writer.skip(record);
      return;
    }
    GenericRecord value;
    try {
      value = decoder.decode(record);
      writer.write(record, value);
    } catch (DataException e) {
      if (reporter == null) {
        throw e;
      }
      log.warn("Reporting errant record {}-{} offset {}: {}", record.topic(),
          record.kafkaPartition(), record.kafkaOffset(), e.getMessage());
      // Waiting for the report keeps the dead-letter record ahead of the committed offset.
      waitFor(reporter.report(record, e));
      writer.skip(record);
    }
  }

  private static void waitFor(Future<Void> report) {
    try {
      report.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while reporting an errant record", e);
    } catch (ExecutionException e) {
      throw new ConnectException("Cannot report an errant record: " + e.getCause(), e);
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    Map<TopicPartition, OffsetAndMetadata> written = new HashMap<>();
    writers.forEach((partition, writer) -> writer.committableOffset()
        .ifPresent(offset -> written.put(partition, new OffsetAndMetadata(offset))));
    return written;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      TopicPartitionWriter writer = writers.remove(partition);
      if (writer != null) {
        writer.close();
      }
    }
  }

  @Override
  public void stop() {
    writers.values().forEach(TopicPartitionWriter::close);
    writers.clear();
    if (storage != null) {
      storage.close();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
