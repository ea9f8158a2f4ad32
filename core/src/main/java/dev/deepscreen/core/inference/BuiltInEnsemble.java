package dev.deepscreen.core.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ensemble shipped inside the core jar, used when no ensemble directory is configured. It
 * is a demonstration model trained on synthetic data (see the README), good for trying the
 * pipeline, not for screening real uploads.
 *
 * <p>TensorFlow loads SavedModels from directories, so when the ensemble sits in a jar it is
 * copied to a temporary directory, loaded, and the copy deleted.
 */
public final class BuiltInEnsemble {

  /** Where the ensemble lies on the class path. */
  public static final String RESOURCE = "dev/deepscreen/core/ensembles/default";

  private BuiltInEnsemble() {}

  /** Whether this build carries a built-in ensemble. */
  public static boolean available() {
    return manifest(BuiltInEnsemble.class.getClassLoader()) != null;
  }

  /**
   * Loads the built-in ensemble.
   *
   * @throws ModelException if this build has none, or it does not load
   */
  public static Ensemble load(InferenceOptions options) {
    return load(BuiltInEnsemble.class.getClassLoader(), options);
  }

  /** Loads the ensemble that {@code classes} finds at {@link #RESOURCE}. */
  static Ensemble load(ClassLoader classes, InferenceOptions options) {
    URL manifest = manifest(classes);
    if (manifest == null) {
      throw new ModelException("This build has no built-in ensemble (" + RESOURCE + "/"
          + EnsembleManifest.FILE_NAME + " is not on the class path); set an ensemble directory");
    }
    try {
      URI uri = manifest.toURI();
      if ("file".equals(uri.getScheme())) {
        return Ensemble.load(Path.of(uri).getParent(), options);
      }
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        Path copy = Files.createTempDirectory("deepscreen-ensemble-");
        try {
          copyTree(jar.provider().getPath(uri).getParent(), copy);
          return Ensemble.load(copy, options);
        } finally {
          deleteTree(copy);
        }
      }
    } catch (URISyntaxException | IOException e) {
      throw new ModelException("Cannot read the built-in ensemble at " + manifest + ": " + e, e);
    }
  }

  private static URL manifest(ClassLoader classes) {
    return classes.getResource(RESOURCE + "/" + EnsembleManifest.FILE_NAME);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A temporary copy left behind is harmless; the models are already in memory.
    }
  }
}
