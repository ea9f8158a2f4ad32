package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deepscreen dead-letters}: lists the dead letters there are, or replays them to the
 * topics their records came from. Reads only committed records, without joining a consumer group,
 * up to the end of the topic as it was when the command started.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = {"Lists the records the stages gave up on (the dead-letters topic, up to its"
        + " end when the command started) as table rows or JSON lines, or with --replay sends"
        + " them back to the topics they came from.",
        "--replay sends each selected dead letter's original key and value bytes, unchanged,"
        + " to its original topic with the original headers and a header "
        + DeadLetterReplay.HEADER + " naming the dead letter, and prints how many were"
        + " replayed. Dead letters about a topic the pipeline does not read, or without the"
        + " record's value (a stage's own failures keep only the key: submit such a video"
        + " again), are refused with the reason (exit code 1). Fix the cause first (a schema"
        + " missing from the registry): a record that fails again becomes a new dead letter.",
        "Replaying is at least once: the dead letters stay where they are, so replaying the same"
        + " selection again sends the records again. Use --since and the filters to replay"
        + " each dead letter once."})
final class DeadLettersCommand implements Callable<Integer> {

  /** How dead letters are listed. */
  enum Format { table, jsonl }

  private static final Duration POLL = Duration.ofMillis(500);

  private final CommandContext context;

  @Mixin
  ConfigOption config;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
      description = "How to list them: table or jsonl (default: table). Not with --replay.")
  Format format;

  @Option(names = "--stage", paramLabel = "STAGE",
      description = "Only dead letters of this stage (${COMPLETION-CANDIDATES});"
          + " repeatable.")
  List<Stage> stages = new ArrayList<>();

  @Option(names = "--topic", paramLabel = "TOPIC",
      description = "Only dead letters of records of this topic (video-events, face-crops,"
          + " ...); repeatable.")
  List<String> topics = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME",
      description = "Only dead letters given up on at or after TIME: an ISO-8601 instant"
          + " (2026-12-06T08:00:00Z) or a time ago (90s, 30m, 2h, 7d).")
  String since;

  @Option(names = "--replay",
      description = "Send the selected dead letters' records back to their original topics.")
  boolean replay;

  @Option(names = "--dry-run",
      description = "With --replay: print what would be sent and what refused, send nothing.")
  boolean dryRun;

  DeadLettersCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (dryRun && !replay) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--dry-run goes with --replay");
    }
    if (replay && format != null) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--format is for listing: --replay"
          + " prints one line per dead letter and the counts");
    }
    DeadLetterFilter filter;
    try {
      filter = new DeadLetterFilter(new LinkedHashSet<>(stages), new LinkedHashSet<>(topics),
          since == null ? null : DeadLetterFilter.since(since, Instant.now()));
    } catch (IllegalArgumentException e) {
      throw new CommandException(StageRunner.EXIT_USAGE, e.getMessage());
    }
    ClientSettings settings = new ClientSettings(context.settings(config.file));
    var serdeConfig = settings.serde();
    Map<String, Object> props = settings.consumer();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    int exitCode = StageRunner.EXIT_OK;
    try (SchemaRegistryClient registry = settings.registry(serdeConfig);
        KafkaConsumer<byte[], DeadLetter> consumer = new KafkaConsumer<>(props,
            new ByteArrayDeserializer(), Topics.DEAD_LETTERS.valueSerde(registry, false)
                .deserializer());
        DeadLetterReplayer replayer = new DeadLetterReplayer(settings::producer, dryRun,
            context.out(), context.err())) {
      Runnable withdraw = context.stopSignal().register(() -> {
        stopping.set(true);
        consumer.wakeup();
      }, done);
      try {
        if (!replay && format != Format.jsonl) {
          context.out().println(DeadLetterFormats.header());
        }
        read(consumer, stopping, filter, record -> {
          if (replay) {
            replayer.accept(record);
          } else {
            context.out().println(format == Format.jsonl ? DeadLetterFormats.jsonLine(record)
                : DeadLetterFormats.row(record.value()));
          }
        });
        if (replay) {
          exitCode = replayer.finish();
        }
      } finally {
        done.countDown();
        withdraw.run();
      }
    }
    if (stopping.get()) {
      context.err().println("Stopped before reading every dead letter");
      return StageRunner.EXIT_FAILED;
    }
    return exitCode;
  }

  /** Reads the dead letters up to the end offsets there are now, passing the selected ones. */
  private void read(KafkaConsumer<byte[], DeadLetter> consumer, AtomicBoolean stopping,
      DeadLetterFilter filter, Consumer<ConsumerRecord<byte[], DeadLetter>> selected) {
    List<TopicPartition> partitions = TopicEnds.partitions(consumer, Topics.DEAD_LETTERS);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    // With read_committed, the end is the last stable offset: what a reader can see now.
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (!stopping.get() && !TopicEnds.caughtUp(consumer, end)) {
      try {
        for (ConsumerRecord<byte[], DeadLetter> record : consumer.poll(POLL)) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
              && record.value() != null && filter.test(record.value())) {
            selected.accept(record);
          }
        }
      } catch (RecordDeserializationException e) {
        context.err().println("Skipping the unreadable dead letter " + e.topicPartition() + "@"
            + e.offset() + ": " + e.getMessage());
        consumer.seek(e.topicPartition(), e.offset() + 1);
      } catch (WakeupException e) {
        return;
      }
    }
  }
}
