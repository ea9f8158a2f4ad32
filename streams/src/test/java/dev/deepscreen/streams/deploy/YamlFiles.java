package dev.deepscreen.streams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * YAML files read as the tools that consume them do: every document of a stream, anchors,
 * aliases and merge keys resolved (Compose relies on them), duplicate keys refused.
 */
final class YamlFiles {
  static final ObjectMapper JSON = new ObjectMapper();

  private YamlFiles() {}

  /** The non-empty documents of a file, as JSON trees. */
  static List<JsonNode> documents(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
        new DumperOptions(), options);
    List<JsonNode> documents = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object document : yaml.loadAll(reader)) {
        if (document != null) {
          documents.add(JSON.valueToTree(document));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return documents;
  }

  /** The one document of a file. */
  static JsonNode document(Path file) {
    List<JsonNode> documents = documents(file);
    if (documents.size() != 1) {
      throw new IllegalArgumentException(file + ": expected one YAML document, found "
          + documents.size());
    }
    return documents.get(0);
  }
}
