package dev.deepscreen.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppPropertiesTest {

  @Test
  void theEnvironmentOverridesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("aggregate.properties");
    Files.writeString(file, "bootstrap.servers=file:9092\naggregate.top.frames=3\n");
    Map<String, String> settings = AppProperties.load(file, Map.of(
        "DEEPSCREEN_BOOTSTRAP_SERVERS", "env:9092",
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://x",
        "HOME", "/root"));
    assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "env:9092",
        "schema.registry.url", "mock://x",
        "aggregate.top.frames", "3"));
  }

  @Test
  void theFileIsOptional() throws IOException {
    assertThat(AppProperties.load(null, Map.of("DEEPSCREEN_", "ignored"))).isEmpty();
  }
}
