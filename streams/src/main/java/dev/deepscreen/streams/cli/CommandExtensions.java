package dev.deepscreen.streams.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds the {@link CommandExtension}s: in the full distribution, in the jars of
 * {@code lib/demo/} (a class loader of their own, child of the one that holds {@code lib/}, so
 * that the stages' libraries are shared and the demo's broker never reaches the stages' class
 * path); without a distribution (tests, an IDE), on the class path.
 */
final class CommandExtensions {

  /** Where the full distribution keeps them, relative to {@code deepscreen.home}. */
  static final Path FOLDER = Path.of("lib", "demo");

  /** Set by {@code bin/deepscreen}: the distribution's folder. */
  private static final String HOME_PROPERTY = "deepscreen.home";

  private CommandExtensions() {}

  /** The extension called {@code name}, if this distribution has it. */
  static Optional<CommandExtension> find(String name) {
    return ServiceLoader.load(CommandExtension.class, loader()).stream()
        .map(ServiceLoader.Provider::get).filter(e -> e.name().equals(name)).findFirst();
  }

  private static ClassLoader loader() {
    ClassLoader own = CommandExtensions.class.getClassLoader();
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || !Files.isDirectory(Path.of(home).resolve(FOLDER))) {
      return own;
    }
    try (Stream<Path> files = Files.list(Path.of(home).resolve(FOLDER))) {
      List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted()
          .toList();
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = jars.get(i).toUri().toURL();
      }
      // Lives as long as the command: the JVM ends with it.
      return new URLClassLoader("deepscreen-extensions", urls, own);
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + FOLDER + " of " + home, e);
    }
  }
}
