package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The connector configurations in config/ are valid sink settings for the topics they name. */
class ShippedConfigurationsTest {

  private static Map<String, String> config(String name) throws IOException {
    JsonNode file = new ObjectMapper().readTree(Path.of("config", name + ".json").toFile());
    assertThat(file.path("name").asText()).isEqualTo(name);
    Map<String, String> config = new TreeMap<>();
    file.path("config").fields().forEachRemaining(e -> config.put(e.getKey(),
        e.getValue().asText()));
    return config;
  }

  @Test
  void reviewDecisionsAreSunkAsJsonLinesNextToTheVerdicts() throws IOException {
    Map<String, String> decisions = config("review-decisions-s3-sink");
    Map<String, String> verdicts = config("verdicts-s3-sink");

    S3SinkConfig sink = new S3SinkConfig(decisions);

    assertThat(decisions).containsEntry("topics", "review-decisions");
    assertThat(sink.format()).isEqualTo(S3SinkConfig.Format.JSON);
    assertThat(sink.bucket()).isEqualTo(new S3SinkConfig(verdicts).bucket());
    assertThat(decisions.get("errors.deadletterqueue.topic.name"))
        .isEqualTo("review-decisions-s3-sink-dlq")
        .isNotEqualTo(verdicts.get("errors.deadletterqueue.topic.name"));
    // Everything else is the verdicts' settings: same store, registry and guarantees.
    for (String same : new String[] {"connector.class", "key.converter", "value.converter",
        "consumer.override.isolation.level", "schema.registry.url", "s3.endpoint", "s3.region",
        "topics.dir", "partitioner", "timestamp.extractor", "errors.tolerance"}) {
      assertThat(decisions.get(same)).as(same).isEqualTo(verdicts.get(same));
    }
  }
}
