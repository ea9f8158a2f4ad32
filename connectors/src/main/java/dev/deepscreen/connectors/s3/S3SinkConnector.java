package dev.deepscreen.connectors.s3;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes topics to S3 with deterministic object names, so that records land exactly once. Thin:
 * it validates the configuration and gives each task the same settings; Connect spreads the
 * topic partitions over the tasks.
 */
public class S3SinkConnector extends SinkConnector {

  static final String VALUE_CONVERTER = "value.converter";

  private Map<String, String> props;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    new S3SinkConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return S3SinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      configs.add(new HashMap<>(props));
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return S3SinkConfig.configDef();
  }

  /** Adds the rules that tie settings together to the per-setting checks of the ConfigDef. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Map<String, String> conflicts = S3SinkConfig.RENAMED.conflicts(connectorConfigs);
    // An old name is checked as its new one; where both disagree, the new one is.
    Map<String, String> unambiguous = new HashMap<>(connectorConfigs);
    S3SinkConfig.RENAMED.renamed().forEach((old, current) -> {
      if (conflicts.containsKey(current)) {
        unambiguous.remove(old);
      }
    });
    Map<String, String> props = S3SinkConfig.RENAMED.apply(unambiguous);
    Config config = super.validate(props);
    Map<String, ConfigValue> values = new HashMap<>();
    config.configValues().forEach(v -> values.put(v.name(), v));
    conflicts.forEach((name, message) -> values.get(name).addErrorMessage(message));
    boolean valid = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    if (valid) {
      S3SinkConfig.crossFieldProblems(new AbstractConfig(S3SinkConfig.configDef(), props, false))
          .forEach(p -> values.get(p.name()).addErrorMessage(p.name() + ": " + p.message()));
    }
    String converter = connectorConfigs.get(VALUE_CONVERTER);
    if (converter != null && !converter.trim().equals(RecordDecoder.BYTE_ARRAY_CONVERTER)) {
      ConfigValue value = new ConfigValue(VALUE_CONVERTER, converter, List.of(), new ArrayList<>());
      value.addErrorMessage(VALUE_CONVERTER + " must be " + RecordDecoder.BYTE_ARRAY_CONVERTER
          + ": the task decodes the Confluent wire format itself");
      config.configValues().add(value);
    }
    return config;
  }
}
