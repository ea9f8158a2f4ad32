package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ensemble built into the core jar (the trainer's demonstration model), loaded from the
 * class path as a folder and from inside a jar.
 */
class BuiltInEnsembleTest {

  @TempDir
  Path dir;

  @Test
  void fromInsideAJarItIsCopiedOutLoadedAndTheCopyDeleted() throws Exception {
    Path folder;
    try (Ensemble fromFolder = BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS)) {
      folder = Path.of(BuiltInEnsemble.class.getClassLoader()
          .getResource(BuiltInEnsemble.RESOURCE).toURI());
      assertThat(fromFolder.version()).isNotBlank();
    }
    Path jar = dir.resolve("ensemble.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = BuiltInEnsemble.RESOURCE + "/" + folder.relativize(file).toString()
            .replace('\\', '/') + (Files.isDirectory(file) ? "/" : "");
        out.putNextEntry(new JarEntry(name.replace("//", "/")));
        if (Files.isRegularFile(file)) {
          Files.copy(file, (OutputStream) out);
        }
        out.closeEntry();
      }
    }
    long tempsBefore = ensembleCopies();
    try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        Ensemble fromJar = BuiltInEnsemble.load(classes, InferenceOptions.CPU_DEFAULTS)) {
      assertThat(fromJar.members()).isNotEmpty();
    }
    assertThat(ensembleCopies()).as("the temporary copy is deleted").isEqualTo(tempsBefore);

    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> BuiltInEnsemble.load(empty, InferenceOptions.CPU_DEFAULTS))
          .isInstanceOf(ModelException.class)
          .hasMessageStartingWith("This build has no built-in ensemble");
    }
  }

  private static long ensembleCopies() throws Exception {
    try (Stream<Path> temps = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return temps.filter(p -> p.getFileName().toString().startsWith("deepscreen-ensemble-"))
          .count();
    }
  }
}
