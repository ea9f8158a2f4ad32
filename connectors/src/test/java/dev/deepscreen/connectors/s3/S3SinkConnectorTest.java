package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class S3SinkConnectorTest {

  private static Map<String, java.util.List<String>> errors(Map<String, String> props) {
    Config config = new S3SinkConnector().validate(props);
    return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void aValidConfigurationHasNoErrors() {
    assertThat(errors(S3SinkConfigTest.minimal())).isEmpty();
  }

  @Test
  void crossFieldProblemsAreReportedOnTheirSetting() {
    Map<String, String> props = S3SinkConfigTest.minimal();
    props.put("partitioner", "field");
    props.put("s3.secret.access.key", "secret");
    assertThat(errors(props)).containsOnly(
        Map.entry("partition.field.name",
            java.util.List.of("partition.field.name: must be set when partitioner is field")),
        Map.entry("s3.access.key.id", java.util.List.of("s3.access.key.id: set both"
            + " s3.access.key.id and s3.secret.access.key, or neither to use the AWS default"
            + " credentials chain")));
  }

  @Test
  void valuesMustArriveAsBytes() {
    Map<String, String> props = S3SinkConfigTest.minimal();
    props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    assertThat(errors(props)).containsOnly(Map.entry("value.converter", java.util.List.of(
        "value.converter must be org.apache.kafka.connect.converters.ByteArrayConverter: the"
            + " task decodes the Confluent wire format itself")));
  }

  @Test
  void everyTaskGetsTheConnectorSettings() {
    S3SinkConnector connector = new S3SinkConnector();
    connector.start(S3SinkConfigTest.minimal());
    assertThat(connector.taskConfigs(3)).hasSize(3)
        .allSatisfy(c -> assertThat(c).isEqualTo(S3SinkConfigTest.minimal()));
    assertThat(connector.taskClass()).isEqualTo(S3SinkTask.class);
  }
}
