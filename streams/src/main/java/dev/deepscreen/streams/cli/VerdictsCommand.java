package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroJson;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import dev.deepscreen.streams.app.StageRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deepscreen verdicts}: follows the verdicts topic, reading only committed records (the
 * aggregation stage writes in transactions), without joining a consumer group.
 */
@Command(name = "verdicts", mixinStandardHelpOptions = true,
    description = {"Follows the verdicts topic and prints each verdict as a table row or a JSON"
        + " line, until stopped (Ctrl-C), --limit verdicts were printed, or with"
        + " --until-caught-up the verdicts there were when it started.",
        "--event ID prints the verdict of one event (the last one written, as the compacted"
        + " topic keeps it) and exits 1 when there is none.",
        "FINAL (final_action in JSON, with the decision as review) is the reviewer's latest"
        + " decision on the event from review-decisions when there is one, else the verdict's"
        + " action."})
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

  @Option(names = "--until-caught-up",
      description = "Stop at the end of the topic as it was when the command started (with"
          + " --from-beginning: every verdict kept, then exit).")
  boolean untilCaughtUp;

  @Option(names = "--event", paramLabel = "ID",
      description = "Print the verdict of this event id only, from the start of the topic.")
  String event;

  private FinalActions decisions;

  VerdictsCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--limit must be at least 1");
    }
    if (event != null) {
      try {
        UUID.fromString(event);
      } catch (IllegalArgumentException e) {
        throw new CommandException(StageRunner.EXIT_USAGE, "--event takes an event id (a"
            + " UUID, as submit prints it): " + event);
      }
      if (limit != null || fromBeginning || untilCaughtUp) {
        throw new CommandException(StageRunner.EXIT_USAGE, "--event reads the whole topic"
            + " once by itself: it takes no --limit, --from-beginning or --until-caught-up");
      }
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
                .deserializer());
        FinalActions decisions = new FinalActions(props, registry, context.err())) {
      this.decisions = decisions;
      Runnable withdraw = context.stopSignal().register(() -> {
        stopping.set(true);
        consumer.wakeup();
      }, done);
      try {
        if (event != null) {
          return lookUp(consumer, stopping);
        }
        follow(consumer, stopping);
      } finally {
        done.countDown();
        withdraw.run();
      }
    }
    return StageRunner.EXIT_OK;
  }

  /**
   * Reads the partition the event's verdicts are on (keys are event ids, partitioned as the
   * aggregation stage's producer does) up to its end and prints the last verdict of the event.
   */
  private int lookUp(KafkaConsumer<String, Verdict> consumer, AtomicBoolean stopping) {
    byte[] key = event.getBytes(StandardCharsets.UTF_8);
    TopicPartition partition = new TopicPartition(Topics.VERDICTS.name(),
        Utils.toPositive(Utils.murmur2(key))
            % TopicEnds.partitions(consumer, Topics.VERDICTS).size());
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition));
    Verdict last = null;
    while (!stopping.get() && !TopicEnds.caughtUp(consumer, end)) {
      try {
        for (ConsumerRecord<String, Verdict> record : consumer.poll(POLL)) {
          if (event.equals(record.key())) {
            last = record.value(); // null: a tombstone, the verdict was deleted
          }
        }
      } catch (RecordDeserializationException e) {
        skip(consumer, e);
      } catch (WakeupException e) {
        break;
      }
    }
    if (last == null) {
      context.err().println("No verdict for event " + event + " in " + Topics.VERDICTS.name());
      return StageRunner.EXIT_FAILED;
    }
    if (format == Format.table) {
      context.out().println(VerdictTable.header());
      context.out().println(VerdictTable.row(last, decisions.of(last)));
    } else {
      context.out().println(decisions.jsonLine(last));
    }
    return StageRunner.EXIT_OK;
  }

  private void skip(KafkaConsumer<String, Verdict> consumer, RecordDeserializationException e) {
    context.err().println("Skipping " + e.topicPartition() + "@" + e.offset() + ": "
        + e.getMessage());
    consumer.seek(e.topicPartition(), e.offset() + 1);
  }

  private void follow(KafkaConsumer<String, Verdict> consumer, AtomicBoolean stopping) {
    List<TopicPartition> partitions = TopicEnds.partitions(consumer, Topics.VERDICTS);
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    // With read_committed, the end is the last stable offset: what a reader can see now.
    Map<TopicPartition, Long> end = untilCaughtUp ? consumer.endOffsets(partitions) : null;
    if (format == Format.table) {
      context.out().println(VerdictTable.header());
    }
    long printed = 0;
    while (!stopping.get() && (limit == null || printed < limit)
        && (end == null || !TopicEnds.caughtUp(consumer, end))) {
      try {
        for (ConsumerRecord<String, Verdict> record : consumer.poll(POLL)) {
          if (record.value() == null) {
            continue;
          }
          decisions.update();
          context.out().println(format == Format.table
              ? VerdictTable.row(record.value(), decisions.of(record.value()))
              : decisions.jsonLine(record.value()));
          if (limit != null && ++printed >= limit) {
            break;
          }
        }
      } catch (RecordDeserializationException e) {
        skip(consumer, e);
      } catch (WakeupException e) {
        return;
      }
    }
  }
}
