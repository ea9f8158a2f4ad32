package dev.deepscreen.streams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code kustomize build}, run as the real tool: the build fetches kustomize for linux-x86_64
 * ({@code -Ddeepscreen.kustomize}, set by the streams module's build); elsewhere
 * {@code kustomize} or {@code kubectl kustomize} from the PATH.
 */
final class Kustomize {

  private static final String PROPERTY = "deepscreen.kustomize";

  private Kustomize() {}

  /** The resources {@code kustomize build directory} emits, in its order. */
  static List<ObjectNode> build(Path directory) {
    List<String> command = new ArrayList<>(tool());
    command.add(directory.toAbsolutePath().toString());
    try {
      Path output = Files.createTempFile("kustomize-", ".yaml");
      Path errors = Files.createTempFile("kustomize-", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
            .redirectError(errors.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        if (process.exitValue() != 0) {
          throw new IllegalArgumentException(String.join(" ", command) + " failed: "
              + Files.readString(errors, StandardCharsets.UTF_8));
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode document : YamlFiles.documents(output)) {
          resources.add((ObjectNode) document);
        }
        return resources;
      } finally {
        Files.deleteIfExists(output);
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> tool() {
    String fetched = System.getProperty(PROPERTY);
    if (fetched != null) {
      return List.of(fetched, "build");
    }
    if (onPath("kustomize")) {
      return List.of("kustomize", "build");
    }
    if (onPath("kubectl")) {
      return List.of("kubectl", "kustomize");
    }
    throw new IllegalStateException("No kustomize: the build fetches it for linux-x86_64 only;"
        + " elsewhere put kustomize or kubectl on the PATH");
  }

  private static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String folder : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(folder, name))) {
        return true;
      }
    }
    return false;
  }
}
