package dev.deepscreen.streams.app.metrics;

import dev.deepscreen.streams.app.PipelineMetric;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): the pipeline's own
 * from a {@link MetricsRegistry}, and every numeric metric of Kafka Streams applications and
 * their clients as {@code kafka_<group>_<name>} with the metric's tags as labels.
 */
public final class PrometheusText {

  /** The Content-Type of this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern INVALID_NAME_CHARS = Pattern.compile("[^a-zA-Z0-9_]");

  private PrometheusText() {}

  /** Writes the registry's metrics, then those of the Kafka Streams applications. */
  public static void write(Writer out, MetricsRegistry registry,
      Collection<KafkaStreams> streams) throws IOException {
    writePipeline(out, registry);
    writeKafka(out, streams);
  }

  static void writePipeline(Writer out, MetricsRegistry registry) throws IOException {
    for (PipelineMetric metric : PipelineMetric.values()) {
      String name = metric.prometheusName();
      out.write("# HELP " + name + " " + escapeHelp(metric.help()) + "\n");
      if (metric.type() == PipelineMetric.Type.COUNTER) {
        out.write("# TYPE " + name + " counter\n");
        for (Map.Entry<MetricsRegistry.Series, Long> series : registry.counterSeries(metric)) {
          out.write(name + labels(metric.labels(), series.getKey().labelValues(), null) + " "
              + series.getValue() + "\n");
        }
      } else {
        out.write("# TYPE " + name + " histogram\n");
        for (Map.Entry<MetricsRegistry.Series, MetricsRegistry.Snapshot> series
            : registry.histogramSeries(metric)) {
          List<String> values = series.getKey().labelValues();
          MetricsRegistry.Snapshot snapshot = series.getValue();
          for (int i = 0; i < snapshot.bounds().length; i++) {
            out.write(name + "_bucket" + labels(metric.labels(), values,
                number(snapshot.bounds()[i])) + " " + snapshot.cumulativeCounts()[i] + "\n");
          }
          out.write(name + "_bucket" + labels(metric.labels(), values, "+Inf") + " "
              + snapshot.count() + "\n");
          out.write(name + "_sum" + labels(metric.labels(), values, null) + " "
              + number(snapshot.sum()) + "\n");
          out.write(name + "_count" + labels(metric.labels(), values, null) + " "
              + snapshot.count() + "\n");
        }
      }
    }
  }

  /**
   * Kafka's metrics, grouped into families by name as the format requires. Kafka mixes gauges,
   * rates and cumulative totals under one API, so they are written untyped.
   */
  static void writeKafka(Writer out, Collection<KafkaStreams> streams) throws IOException {
    Map<String, Family> families = new TreeMap<>();
    for (KafkaStreams app : streams) {
      for (Metric metric : app.metrics().values()) {
        if (!(metric.metricValue() instanceof Number value)) {
          continue;
        }
        MetricName name = metric.metricName();
        String group = name.group().endsWith("-metrics")
            ? name.group().substring(0, name.group().length() - "-metrics".length())
            : name.group();
        String family = sanitize("kafka_" + group + "_" + name.name());
        families.computeIfAbsent(family, f -> new Family(name.description()))
            .add(new TreeMap<>(name.tags()), value.doubleValue());
      }
    }
    for (Map.Entry<String, Family> family : families.entrySet()) {
      String name = family.getKey();
      out.write("# HELP " + name + " " + escapeHelp(family.getValue().help) + "\n");
      out.write("# TYPE " + name + " untyped\n");
      for (Map.Entry<Map<String, String>, Double> sample : family.getValue().samples.entrySet()) {
        List<String> labelNames = new ArrayList<>();
        sample.getKey().keySet().forEach(k -> labelNames.add(sanitize(k)));
        out.write(name + labels(labelNames, new ArrayList<>(sample.getKey().values()), null)
            + " " + number(sample.getValue()) + "\n");
      }
    }
  }

  /** One family of Kafka metrics: its help and a value per distinct tag set. */
  private static final class Family {
    final String help;
    final Map<Map<String, String>, Double> samples = new LinkedHashMap<>();
    final Set<Map<String, String>> seen = new HashSet<>();

    Family(String help) {
      this.help = help == null ? "" : help;
    }

    void add(Map<String, String> tags, double value) {
      if (seen.add(tags)) {
        samples.put(tags, value);
      }
    }
  }

  private static String labels(List<String> names, List<String> values, String le) {
    if (names.isEmpty() && le == null) {
      return "";
    }
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(names.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
    }
    if (le != null) {
      text.append(names.isEmpty() ? "" : ",").append("le=\"").append(le).append('"');
    }
    return text.append('}').toString();
  }

  static String sanitize(String name) {
    String clean = INVALID_NAME_CHARS.matcher(name).replaceAll("_");
    return Character.isDigit(clean.charAt(0)) ? "_" + clean : clean;
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }

  private static String escapeLabel(String value) {
    return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"")
        .replace("\n", "\\n");
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
