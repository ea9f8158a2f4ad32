package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroJson;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import dev.deepscreen.streams.app.StageRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deepscreen verdicts}: follows the verdicts topic, reading only committed records (the
 * aggregation stage writes in transactions), without joining a consumer group.
 */
@Command(name = "verdicts", mixinStandardHelpOptions = true,
    description = "Follows the verdicts topic and prints each verdict as a table row or a JSON"
        + " line, until stopped (Ctrl-C) or --limit verdicts were printed.")
final class VerdictsCommand implements Callable<Integer> {

  /** How verdicts are printed. */
  enum Format { table, jsonl }

  private static final Duration POLL = Duration.ofMillis(500);

  private final CommandContext context;

  @Mixin
  ConfigOption config;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or jsonl (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--from-beginning",
      description = "Start with the oldest verdict kept, instead of the next one to come.")
  boolean fromBeginning;

  @Option(names = {"-n", "--limit"}, paramLabel = "N",
      description = "Stop after N verdicts.")
  Long limit;

  VerdictsCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--limit must be at least 1");
    }
    ClientSettings settings = new ClientSettings(context.settings(config.file));
    AvroSerdeConfig serdeConfig = settings.serde();
    Map<String, Object> props = settings.consumer();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    try (SchemaRegistryClient registry = settings.registry(serdeConfig);
        KafkaConsumer<String, Verdict> consumer = new KafkaConsumer<>(props,
            new StringDeserializer(), Topics.VERDICTS.valueSerde(registry, false)
                .deserializer())) {
      Runnable withdraw = context.stopSignal().register(() -> {
        stopping.set(true);
        consumer.wakeup();
      }, done);
      try {
        follow(consumer, stopping);
      } finally {
        done.countDown();
        withdraw.run();
      }
    }
    return StageRunner.EXIT_OK;
  }

  private void follow(KafkaConsumer<String, Verdict> consumer, AtomicBoolean stopping) {
    List<PartitionInfo> infos = consumer.partitionsFor(Topics.VERDICTS.name());
    if (infos == null || infos.isEmpty()) {
      throw new CommandException(StageRunner.EXIT_FAILED, "The topic "
          + Topics.VERDICTS.name() + " does not exist (see 'deepscreen topics create')");
    }
    List<TopicPartition> partitions = infos.stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    if (format == Format.table) {
      context.out().println(VerdictTable.header());
    }
    long printed = 0;
    while (!stopping.get() && (limit == null || printed < limit)) {
      try {
        for (ConsumerRecord<String, Verdict> record : consumer.poll(POLL)) {
          if (record.value() == null) {
            continue;
          }
          context.out().println(format == Format.table ? VerdictTable.row(record.value())
              : AvroJson.line(record.value()));
          if (limit != null && ++printed >= limit) {
            break;
          }
        }
      } catch (RecordDeserializationException e) {
        context.err().println("Skipping " + e.topicPartition() + "@" + e.offset() + ": "
            + e.getMessage());
        consumer.seek(e.topicPartition(), e.offset() + 1);
      } catch (WakeupException e) {
        return;
      }
    }
  }
}
