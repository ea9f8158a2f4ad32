package dev.deepscreen.streams.review;

import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the verdicts and review-decisions topics from their beginning and keeps following them,
 * into the {@link CaseIndex}, on a thread of its own. Values are read as bytes and deserialized
 * here, so that a record that cannot be read goes to the dead letters and the rest go on.
 */
final class TopicFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Deserializer<Verdict> verdicts;
  private final Deserializer<ReviewDecision> decisions;
  private final CaseIndex index;
  private final DeadLetters deadLetters;
  private final Thread thread;
  private volatile Consumer<String, byte[]> consumer;
  private volatile boolean caughtUp;
  private volatile boolean stopping;
  private volatile RuntimeException failure;

  TopicFollower(Supplier<Consumer<String, byte[]>> consumers, Deserializer<Verdict> verdicts,
      Deserializer<ReviewDecision> decisions, CaseIndex index, DeadLetters deadLetters) {
    this.consumers = consumers;
    this.verdicts = verdicts;
    this.decisions = decisions;
    this.index = index;
    this.deadLetters = deadLetters;
    this.thread = new Thread(this::run, "review-topic-follower");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether every record there was when the server started has been read. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** Why following stopped, or null while it runs. */
  RuntimeException failure() {
    return failure;
  }

  private void run() {
    try (Consumer<String, byte[]> c = consumers.get()) {
      consumer = c;
      if (stopping) {
        return;
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.VERDICTS.name(), Topics.REVIEW_DECISIONS.name())) {
        List<PartitionInfo> infos = c.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException("The topic " + topic + " does not exist (see"
              + " 'deepscreen topics create')");
        }
        infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      while (!stopping) {
        for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
          apply(record);
        }
        if (!caughtUp && end.entrySet().stream()
            .allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
          LOG.info("Read the verdicts and decisions there were at start");
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("Stopped following the verdicts and decisions: {}", e.getMessage(), e);
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      deadLetters.send(record, new IllegalArgumentException("A record without a key (an event"
          + " id) on " + record.topic()));
      return;
    }
    try {
      if (record.topic().equals(Topics.VERDICTS.name())) {
        index.verdict(record.key(), verdicts.deserialize(record.topic(), record.value()));
      } else {
        index.decision(record.key(), decisions.deserialize(record.topic(), record.value()));
      }
    } catch (RuntimeException e) {
      deadLetters.send(record, e);
    }
  }

  @Override
  public void close() {
    stopping = true;
    Consumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
