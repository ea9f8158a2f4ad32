package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin, unzipped into a plugin.path as an operator would: Connect finds the
 * connector by service loading, in its own isolated class loader, with every dependency it needs
 * and none of the worker's own libraries.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginArchiveIT {

  @TempDir
  Path pluginPath;

  @Test
  void theArchiveIsAnIsolatedServiceLoadedPlugin() throws Exception {
    unzip(archive(), pluginPath);
    Path lib = pluginPath.resolve("deepscreen-s3-sink/lib");
    List<String> jars = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(lib, "*.jar")) {
      files.forEach(f -> jars.add(f.getFileName().toString()));
    }
    assertThat(jars).anyMatch(j -> j.startsWith("deepscreen-connectors-"))
        .anyMatch(j -> j.startsWith("deepscreen-schemas-"))
        .anyMatch(j -> j.startsWith("s3-2."))
        .noneMatch(j -> j.startsWith("kafka-clients") || j.startsWith("connect-")
            || j.startsWith("slf4j"));
    assertThat(pluginPath.resolve("deepscreen-s3-sink/etc/verdicts-s3-sink.json")).exists();
    assertThat(pluginPath.resolve("deepscreen-s3-sink/etc/review-decisions-s3-sink.json"))
        .exists();

    Plugins plugins = new Plugins(Map.of("plugin.path", pluginPath.toString(),
        "plugin.discovery", "service_load"));
    PluginDesc<SinkConnector> desc = plugins.sinkConnectors().stream()
        .filter(d -> d.className().equals(S3SinkConnector.class.getName()))
        .filter(d -> d.location().contains(pluginPath.toString()))
        .findFirst().orElseThrow(() -> new AssertionError("not found in the plugin path: "
            + plugins.sinkConnectors()));
    ClassLoader isolated = desc.loader();
    assertThat(desc.pluginClass().getClassLoader()).isSameAs(isolated)
        .isNotSameAs(S3SinkConnector.class.getClassLoader());
    assertThat(isolated.loadClass("software.amazon.awssdk.services.s3.S3Client")
        .getClassLoader()).isSameAs(isolated);
    // The S3 client setup shared with the extraction stage comes in the zip, its Kafka API
    // from the worker.
    assertThat(isolated.loadClass("dev.deepscreen.s3.S3Clients").getClassLoader())
        .isSameAs(isolated);
    assertThat(isolated.loadClass("org.apache.kafka.common.config.ConfigDef").getClassLoader())
        .isNotSameAs(isolated);

    // Read from the packaged jar's manifest; "unknown" would mean it is missing.
    assertThat(desc.version()).isNotEqualTo("unknown");
    SinkConnector connector = desc.pluginClass().getDeclaredConstructor().newInstance();
    Config config = connector.validate(Map.of("s3.bucket.name", "audit",
        "schema.registry.url", "http://registry:8081"));
    assertThat(config.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).isEmpty());
    assertThat(connector.taskClass().getClassLoader()).isSameAs(isolated);
  }

  private static Path archive() throws IOException {
    try (DirectoryStream<Path> zips = Files.newDirectoryStream(Path.of("target"),
        "deepscreen-s3-sink-*.zip")) {
      for (Path zip : zips) {
        return zip;
      }
    }
    throw new AssertionError("target/deepscreen-s3-sink-*.zip is missing: run mvn package");
  }

  private static void unzip(Path zip, Path into) throws IOException {
    try (InputStream in = Files.newInputStream(zip); ZipInputStream entries =
        new ZipInputStream(in)) {
      for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
        Path target = into.resolve(entry.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("entry outside the archive root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(entries, target);
        }
      }
    }
  }
}
