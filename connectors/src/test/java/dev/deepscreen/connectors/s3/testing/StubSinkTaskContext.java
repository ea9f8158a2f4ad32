package dev.deepscreen.connectors.s3.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The little of a task context the sink uses, for driving a task outside a worker; it keeps the
 * offsets and the timeout the task asks for, as a worker would until its next poll.
 */
public final class StubSinkTaskContext implements SinkTaskContext {

  private final Map<TopicPartition, Long> offsets = new HashMap<>();
  private long timeout = -1;

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    this.offsets.putAll(offsets);
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    offsets.put(tp, offset);
  }

  @Override
  public void timeout(long timeoutMs) {
    timeout = timeoutMs;
  }

  /** The offsets asked for since the last call, which clears them, as a worker's poll does. */
  public Map<TopicPartition, Long> takeOffsets() {
    Map<TopicPartition, Long> taken = Map.copyOf(offsets);
    offsets.clear();
    return taken;
  }

  /** The last timeout asked for; -1 if none. */
  public long timeout() {
    return timeout;
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
