package dev.deepscreen.connectors.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The connector configurations shipped in {@code connectors/config/} (on the class path under
 * {@code dev/deepscreen/connectors/config/}), for those who run them in-process: the demo, and
 * tests and benchmarks that point them at their own store and registry.
 */
public final class ShippedConnectorConfigs {
  private ShippedConnectorConfigs() {}

  private static final String FOLDER = "dev/deepscreen/connectors/config/";

  /**
   * The {@code config} object of {@code <name>.json} (for instance {@code verdicts-s3-sink}), as
   * a mutable map to point elsewhere.
   *
   * @throws IllegalStateException if there is no such configuration on the class path
   */
  public static Map<String, String> read(String name) {
    String resource = FOLDER + name + ".json";
    Map<String, String> config = new HashMap<>();
    try (InputStream in = ShippedConnectorConfigs.class.getClassLoader()
        .getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      new ObjectMapper().readTree(in).get("config").properties()
          .forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
    return config;
  }
}
