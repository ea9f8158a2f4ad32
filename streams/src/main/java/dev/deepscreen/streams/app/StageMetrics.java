package dev.deepscreen.streams.app;

import java.util.Map;

/**
 * Where a stage records its own metrics, next to Kafka Streams' (see {@link PipelineMetric} for
 * what exists). A processor finds the process's instance in its {@code appConfigs()} with {@link
 * #of}; outside a stage process (tests, TopologyTestDriver) it gets one that records nothing.
 * Implementations are thread-safe: every stream thread records into the same instance.
 */
public interface StageMetrics {

  /** The key under which the stage process puts its instance into the Streams properties. */
  String CONFIG = "deepscreen.stage.metrics";

  /**
   * Adds {@code amount} to a counter.
   *
   * @param labelValues one value per label the metric declares, in order
   */
  void count(PipelineMetric metric, long amount, String... labelValues);

  /**
   * Records one observation of a histogram (seconds for durations).
   *
   * @param labelValues one value per label the metric declares, in order
   */
  void observe(PipelineMetric metric, double value, String... labelValues);

  /** Records nothing. */
  static StageMetrics none() {
    return Nothing.INSTANCE;
  }

  /** The process's instance among a processor's app configs, else {@link #none()}. */
  static StageMetrics of(Map<String, Object> appConfigs) {
    return appConfigs.get(CONFIG) instanceof StageMetrics metrics ? metrics : none();
  }

  /** The instance of {@link #none()}. */
  enum Nothing implements StageMetrics {
    INSTANCE;

    @Override
    public void count(PipelineMetric metric, long amount, String... labelValues) {}

    @Override
    public void observe(PipelineMetric metric, double value, String... labelValues) {}
  }
}
