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

/**
 * Checks that topics a stage reads together have the same partition count. Kafka Streams only
 * enforces that for joins; a stage that merges two topics keyed by event id and keeps one
 * state per event needs it too, or one event's records reach two tasks and it never completes.
 */
public final class CoPartitioning {

  private CoPartitioning() {}

  /**
   * @throws IllegalStateException naming the counts when they differ, or when the topics cannot
   *     be described (missing, broker unreachable)
   */
  public static void check(Admin admin, List<String> topics, Duration timeout) {
    Map<String, TopicDescription> descriptions;
    try {
      descriptions = admin.describeTopics(topics).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing " + topics, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot describe the input topics " + topics + ": "
          + (e.getCause() != null ? e.getCause() : e), e);
    }
    Map<String, Integer> counts = topics.stream().collect(Collectors.toMap(t -> t,
        t -> descriptions.get(t).partitions().size(), (a, b) -> a, LinkedHashMap::new));
    if (counts.values().stream().distinct().count() > 1) {
      throw new IllegalStateException("The input topics must have the same partition count, so"
          + " that all records of one event id reach one task; they have " + counts);
    }
  }
}
