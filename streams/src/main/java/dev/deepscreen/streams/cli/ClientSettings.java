package dev.deepscreen.streams.cli;

import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import dev.deepscreen.streams.app.StageRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka client and registry settings of the commands that talk to a cluster, from the same
 * file and environment as the stages. Each client gets the settings it knows, so that security
 * settings (security.protocol, sasl.*, ssl.*) pass through and stage settings stay out.
 */
final class ClientSettings {

  private final Map<String, String> settings;

  ClientSettings(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
    String servers = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (servers == null || servers.isBlank()) {
      throw invalid(new ConfigException("Missing required configuration \""
          + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + "\" which has no default value."));
    }
  }

  Map<String, Object> admin() {
    return select(AdminClientConfig.configNames());
  }

  Map<String, Object> producer() {
    return select(ProducerConfig.configNames());
  }

  Map<String, Object> consumer() {
    return select(ConsumerConfig.configNames());
  }

  /** The registry settings, validated; the caller closes the client. */
  AvroSerdeConfig serde() {
    try {
      return new AvroSerdeConfig(settings);
    } catch (ConfigException e) {
      throw invalid(e);
    }
  }

  SchemaRegistryClient registry(AvroSerdeConfig config) {
    return SchemaRegistries.connect(config);
  }

  private Map<String, Object> select(Set<String> names) {
    Map<String, Object> selected = new HashMap<>();
    settings.forEach((name, value) -> {
      if (names.contains(name)) {
        selected.put(name, value);
      }
    });
    return selected;
  }

  static CommandException invalid(ConfigException e) {
    return new CommandException(StageRunner.EXIT_CONFIG, "Invalid settings: " + e.getMessage(), e);
  }
}
