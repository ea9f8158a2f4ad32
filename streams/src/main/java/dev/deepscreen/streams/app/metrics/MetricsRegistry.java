package dev.deepscreen.streams.app.metrics;

import dev.deepscreen.streams.app.PipelineMetric;
import dev.deepscreen.streams.app.StageMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pipeline's metrics of one process, in memory: a counter or histogram per metric and label
 * values. Thread-safe and lock-free for counters; a histogram locks only itself.
 */
public final class MetricsRegistry implements StageMetrics {

  /** One series: a metric with its label values. */
  record Series(PipelineMetric metric, List<String> labelValues) {}

  /** Cumulative bucket counts, sum and count of one histogram series. */
  static final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    Histogram(List<Double> bounds) {
      this.bounds = bounds.stream().mapToDouble(Double::doubleValue).toArray();
      this.counts = new long[this.bounds.length];
    }

    synchronized void observe(double value) {
      for (int i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          counts[i]++;
        }
      }
      sum += value;
      count++;
    }

    /** A consistent copy: bucket counts (cumulative), then sum and count. */
    synchronized Snapshot snapshot() {
      return new Snapshot(bounds.clone(), counts.clone(), sum, count);
    }
  }

  record Snapshot(double[] bounds, long[] cumulativeCounts, double sum, long count) {}

  private final Map<Series, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<Series, Histogram> histograms = new ConcurrentHashMap<>();

  @Override
  public void count(PipelineMetric metric, long amount, String... labelValues) {
    require(metric, PipelineMetric.Type.COUNTER, labelValues);
    if (amount < 0) {
      throw new IllegalArgumentException("A counter only grows: " + amount);
    }
    counters.computeIfAbsent(new Series(metric, List.of(labelValues)), s -> new LongAdder())
        .add(amount);
  }

  @Override
  public void observe(PipelineMetric metric, double value, String... labelValues) {
    require(metric, PipelineMetric.Type.HISTOGRAM, labelValues);
    histograms.computeIfAbsent(new Series(metric, List.of(labelValues)),
        s -> new Histogram(metric.buckets())).observe(value);
  }

  /** A counter's value; 0 when nothing was counted. */
  public long counter(PipelineMetric metric, String... labelValues) {
    LongAdder adder = counters.get(new Series(metric, List.of(labelValues)));
    return adder == null ? 0 : adder.sum();
  }

  /** A histogram's count of observations; 0 when none. */
  public long observations(PipelineMetric metric, String... labelValues) {
    Histogram histogram = histograms.get(new Series(metric, List.of(labelValues)));
    return histogram == null ? 0 : histogram.snapshot().count();
  }

  /** Every counter series with its value, for the exposition. */
  List<Map.Entry<Series, Long>> counterSeries(PipelineMetric metric) {
    List<Map.Entry<Series, Long>> series = new ArrayList<>();
    counters.forEach((s, adder) -> {
      if (s.metric() == metric) {
        series.add(Map.entry(s, adder.sum()));
      }
    });
    if (series.isEmpty() && metric.labels().isEmpty()) {
      series.add(Map.entry(new Series(metric, List.of()), 0L));
    }
    return series;
  }

  /** Every histogram series with a snapshot, for the exposition. */
  List<Map.Entry<Series, Snapshot>> histogramSeries(PipelineMetric metric) {
    List<Map.Entry<Series, Snapshot>> series = new ArrayList<>();
    histograms.forEach((s, histogram) -> {
      if (s.metric() == metric) {
        series.add(Map.entry(s, histogram.snapshot()));
      }
    });
    if (series.isEmpty() && metric.labels().isEmpty()) {
      series.add(Map.entry(new Series(metric, List.of()),
          new Histogram(metric.buckets()).snapshot()));
    }
    return series;
  }

  private static void require(PipelineMetric metric, PipelineMetric.Type type,
      String[] labelValues) {
    if (metric.type() != type) {
      throw new IllegalArgumentException(metric + " is a " + metric.type() + ", not a " + type);
    }
    if (labelValues.length != metric.labels().size()) {
      throw new IllegalArgumentException(metric + " takes labels " + metric.labels() + ", got "
          + Arrays.toString(labelValues));
    }
  }
}
