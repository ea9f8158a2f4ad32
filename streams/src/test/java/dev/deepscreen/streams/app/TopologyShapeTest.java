package dev.deepscreen.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.aggregate.AggregateTopology;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.extract.ExtractTopology;
import dev.deepscreen.streams.score.ScoreConfig;
import dev.deepscreen.streams.score.ScoreTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stage's topology as Kafka Streams describes it (sources, processors, stores, sinks and
 * their names) against a committed copy in {@code src/test/resources/topologies/}. Store and
 * repartition names make the changelog and internal topic names of a running deployment: a
 * change that renames one would strand the old state, so it must show in review as a change to
 * the copy. After a deliberate change, rewrite the copies with
 * {@code ./mvnw -pl streams test -Dtest=TopologyShapeTest -Ddeepscreen.topologies.update=true}.
 */
class TopologyShapeTest {

  private static final Path COPIES = Path.of("src", "test", "resources", "topologies");
  private static final Map<String, Object> CLUSTER = Map.of("bootstrap.servers", "unused:9092",
      "schema.registry.url", "mock://topology-shape");

  @TempDir
  Path dir;

  @Test
  void extract() throws Exception {
    ExtractConfig config = new ExtractConfig(CLUSTER);
    check("extract", config.streamsProperties(), builder -> {
      ExtractTopology.build(builder, config, InMemorySchemaRegistry.forScope("topology-shape"),
          new SimpleMeterRegistry());
      return builder;
    });
  }

  @Test
  void score() throws Exception {
    TinyModels.export(dir.resolve("m"), 8, 1f, 0f);
    TinyModels.writeManifest(dir, "shape", TinyModels.manifestEntry("m", "m", 8, 1));
    ScoreConfig config = new ScoreConfig(CLUSTER);
    try (Ensemble ensemble = Ensemble.load(dir)) {
      check("score", config.streamsProperties(), builder -> {
        ScoreTopology.build(builder, config, InMemorySchemaRegistry.forScope("topology-shape"),
            ensemble, new SimpleMeterRegistry());
        return builder;
      });
    }
  }

  @Test
  void aggregate() throws Exception {
    AggregateConfig config = new AggregateConfig(CLUSTER);
    check("aggregate", config.streamsProperties(), builder -> {
      AggregateTopology.build(builder, config,
          InMemorySchemaRegistry.forScope("topology-shape"), new SimpleMeterRegistry());
      return builder;
    });
  }

  private static void check(String stage, Properties properties,
      Function<StreamsBuilder, StreamsBuilder> topology) throws Exception {
    String described = topology.apply(new StreamsBuilder()).build(properties).describe()
        .toString();
    Path copy = COPIES.resolve(stage + ".txt");
    if (Boolean.getBoolean("deepscreen.topologies.update")) {
      Files.createDirectories(COPIES);
      Files.writeString(copy, described, StandardCharsets.UTF_8);
    }
    assertThat(copy).as("the committed topology of the %s stage", stage).isRegularFile();
    assertThat(described).as("the %s stage's topology against %s", stage, copy)
        .isEqualTo(Files.readString(copy, StandardCharsets.UTF_8));
  }
}
