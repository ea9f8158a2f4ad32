package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.StageRunner;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays dead letters as they are read, so that a record's bytes are held only while it is sent,
 * however many there are: refuses those {@link DeadLetterReplay#refusal} refuses, sends the others (or, on a
 * dry run, says what it would send), then {@link #finish} prints a line per record sent and the
 * counts. The producer is idempotent with acks=all, and made on the first record to send.
 */
final class DeadLetterReplayer implements AutoCloseable {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
  // As large as the largest record a topic of the pipeline accepts (dead-letters' own limit).
  private static final String MAX_REQUEST_BYTES = Topics.DEAD_LETTERS.topicConfigs()
      .get("max.message.bytes");

  private final Supplier<Map<String, Object>> producerSettings;
  private final boolean dryRun;
  private final PrintStream out;
  private final PrintStream err;
  private final List<String> described = new ArrayList<>();
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private KafkaProducer<byte[], byte[]> producer;
  private int selected;
  private int refused;

  DeadLetterReplayer(Supplier<Map<String, Object>> producerSettings, boolean dryRun,
      PrintStream out, PrintStream err) {
    this.producerSettings = producerSettings;
    this.dryRun = dryRun;
    this.out = out;
    this.err = err;
  }

  /** Replays (or refuses) one selected dead letter. */
  void accept(ConsumerRecord<byte[], DeadLetter> record) {
    selected++;
    Optional<String> refusal = DeadLetterReplay.refusal(record.value());
    if (refusal.isPresent()) {
      refused++;
      err.println("refused " + describe(record) + ": " + refusal.get());
    } else if (dryRun) {
      described.add(describe(record));
      out.println("would replay " + describe(record) + " to " + record.value().getTopic() + " ("
          + record.value().getValue().remaining() + " bytes)");
    } else {
      described.add(describe(record));
      sent.add(producer().send(DeadLetterReplay.record(record)));
    }
  }

  /** Waits for the sends, prints what became of each and the counts; the exit code. */
  int finish() {
    if (dryRun) {
      out.println("Would replay " + described.size() + " of " + selected + " dead letters, "
          + refused + " refused (dry run: nothing was sent)");
      return refused == 0 ? StageRunner.EXIT_OK : StageRunner.EXIT_FAILED;
    }
    if (producer != null) {
      producer.flush();
    }
    int replayed = 0;
    int failed = 0;
    for (int i = 0; i < sent.size(); i++) {
      try {
        RecordMetadata to = sent.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        replayed++;
        out.println("replayed " + described.get(i) + " to " + to.topic() + "-" + to.partition()
            + "@" + to.offset());
      } catch (ExecutionException | TimeoutException e) {
        failed++;
        err.println("cannot replay " + described.get(i) + ": "
            + (e instanceof ExecutionException ? e.getCause() : e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandException(StageRunner.EXIT_FAILED, "Interrupted while replaying");
      }
    }
    out.println("Replayed " + replayed + " of " + selected + " dead letters, " + refused
        + " refused" + (failed > 0 ? ", " + failed + " failed" : ""));
    return refused == 0 && failed == 0 ? StageRunner.EXIT_OK : StageRunner.EXIT_FAILED;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> props = producerSettings.get();
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
      producer = new KafkaProducer<>(props, new ByteArraySerializer(),
          new ByteArraySerializer());
    }
    return producer;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
  }

  /** {@code dead-letters-0@12 (SCORE, face-crops-1@17)}. */
  static String describe(ConsumerRecord<byte[], DeadLetter> record) {
    return DeadLetterFormats.coordinates(record) + " (" + record.value().getStage() + ", "
        + DeadLetterFormats.origin(record.value()) + ")";
  }
}
