package dev.deepscreen.streams.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks that topics a stage reads together have the same partition count. Kafka Streams only
 * enforces that for joins; a stage that merges two topics keyed by event id and keeps one
 * state per event needs it too, or one event's records reach two tasks and it never completes.
 */
public final class CoPartitioning {

  private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);

  private CoPartitioning() {}

  /**
   * @throws IllegalStateException naming the counts when they differ, or when the topics cannot
   *     be described (missing, broker unreachable)
   */
  public static void check(Admin admin, List<String> topics, Duration timeout) {
    Map<String, TopicDescription> descriptions = describe(admin, topics, timeout);
    Map<String, Integer> counts = topics.stream().collect(Collectors.toMap(t -> t,
        t -> descriptions.get(t).partitions().size(), (a, b) -> a, LinkedHashMap::new));
    if (counts.values().stream().distinct().count() > 1) {
      throw new IllegalStateException("The input topics must have the same partition count, so"
          + " that all records of one event id reach one task; they have " + counts);
    }
  }

  /**
   * Describes the topics, asking again while one is unknown: a topic created a moment ago may
   * not have reached the broker answering yet.
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> topics,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        return admin.describeTopics(topics).allTopicNames().get(left, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing " + topics, e);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() + RETRY_BACKOFF.toNanos() >= deadline) {
          throw new IllegalStateException("Cannot describe the input topics " + topics + ": "
              + cause, e);
        }
      }
      try {
        Thread.sleep(RETRY_BACKOFF.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing " + topics, e);
      }
    }
  }
}
