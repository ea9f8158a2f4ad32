package dev.deepscreen.streams.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of a stage from a properties file and the environment, the environment winning
 * so that a container can override one setting of a mounted file. A variable {@code
 * DEEPSCREEN_<NAME>} sets {@code <name>} lower-cased with underscores read as dots: {@code
 * DEEPSCREEN_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}, {@code
 * DEEPSCREEN_SCHEMA_REGISTRY_URL} sets {@code schema.registry.url}.
 */
public final class AppProperties {

  public static final String ENV_PREFIX = "DEEPSCREEN_";

  private AppProperties() {}

  /**
   * The merged settings.
   *
   * @param file a properties file (UTF-8), or null for none
   * @param environment the environment, usually {@code System.getenv()}
   * @throws IOException if the file cannot be read
   */
  public static Map<String, String> load(Path file, Map<String, String> environment)
      throws IOException {
    Map<String, String> settings = new TreeMap<>();
    if (file != null) {
      java.util.Properties props = new java.util.Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(reader);
      }
      props.stringPropertyNames().forEach(name -> settings.put(name, props.getProperty(name)));
    }
    environment.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
        settings.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
            .replace('_', '.'), value);
      }
    });
    return settings;
  }
}
