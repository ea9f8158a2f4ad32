package dev.deepscreen.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.app.AppProperties;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.review.ReviewConfig;
import dev.deepscreen.streams.score.ScoreConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The stage settings the deployment files give, as files or DEEPSCREEN_* variables, are settings a
 * stage or the review server knows: a misspelt variable would otherwise be ignored without a word.
 */
class StageSettingsTest {

  private static final Set<String> PROCESS_SETTINGS = Set.of("bootstrap.servers",
      "schema.registry.url", "http.port");

  @Test
  void composeSetsOnlyKnownSettings() {
    JsonNode services = YamlFiles.document(Repository.file("docker-compose.yml")).path("services");
    Map<String, String> environment = new TreeMap<>();
    services.fields().forEachRemaining(service -> {
      if (service.getValue().path("image").asText().startsWith(Image.PREFIX + "streams")
          || service.getValue().path("image").asText().startsWith(Image.PREFIX + "scorer")) {
        service.getValue().path("environment").fields()
            .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
      }
    });

    assertThat(settings(environment)).isNotEmpty().allSatisfy(name ->
        assertThat(known()).as("compose sets %s", name).contains(name));
  }

  @Test
  void kubernetesSetsOnlyKnownSettings() throws IOException {
    for (String kustomization : new String[] {"base", "overlays/dev", "overlays/gpu"}) {
      KubernetesManifestsTest.Build build = KubernetesManifestsTest.build(kustomization);
      Properties file = new Properties();
      file.load(new StringReader(
          build.generated(ConfigMap.class, "deepscreen-stages").getData().get("stage.properties")));
      Set<String> names = new TreeSet<>(file.stringPropertyNames());
      for (KubernetesManifestsTest.Workload workload : build.workloads()) {
        for (Container container : workload.pod().getContainers()) {
          Map<String, String> environment = new TreeMap<>();
          container.getEnv().forEach(e -> environment.put(e.getName(), e.getValue()));
          names.addAll(settings(environment));
        }
      }
      assertThat(names).as(kustomization).isNotEmpty().allSatisfy(name ->
          assertThat(known()).as("%s sets %s", kustomization, name).contains(name));
    }
  }

  @Test
  void theImagesSettingsFileHasOnlyKnownSettings() throws IOException {
    Properties file = new Properties();
    try (var reader = Files.newBufferedReader(
        Repository.file("streams/src/main/docker/stage.properties"))) {
      file.load(reader);
    }

    assertThat(file.stringPropertyNames()).isNotEmpty().allSatisfy(name ->
        assertThat(known()).contains(name));
  }

  private static Set<String> settings(Map<String, String> environment) {
    try {
      return AppProperties.load(null, environment).keySet();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Set<String> known() {
    Set<String> known = new TreeSet<>(StreamsConfig.configDef().names());
    known.addAll(PROCESS_SETTINGS);
    for (Class<?> config : new Class<?>[] {ExtractConfig.class, ScoreConfig.class,
        AggregateConfig.class, ReviewConfig.class}) {
      for (Field field : config.getFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_CONFIG")
            && field.getType() == String.class) {
          try {
            known.add((String) field.get(null));
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    return known;
  }
}
