package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StageRunner;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Turns what a user types (a path or a URI) into the URI a video event carries. */
final class VideoReferences {

  // A scheme of two letters or more, so that a Windows drive letter is not taken for one.
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

  private VideoReferences() {}

  /**
   * A URI as given, or a local file as an absolute {@code file:} URI.
   *
   * @throws CommandException (66) for a path that is not a readable regular file, or (64) for a
   *     malformed URI
   */
  static URI toUri(String reference) {
    if (SCHEME.matcher(reference).matches()) {
      try {
        return new URI(reference);
      } catch (URISyntaxException e) {
        throw new CommandException(StageRunner.EXIT_USAGE, "Not a valid URI: " + e.getMessage());
      }
    }
    Path path = Path.of(reference).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new CommandException(StageRunner.EXIT_NO_INPUT, "Not a readable file: " + path);
    }
    return path.toUri();
  }

  /** The last path segment of the URI (a file name), or the whole URI when it has none. */
  static String videoId(URI uri) {
    String path = uri.getPath();
    if (path != null) {
      String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      String name = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      if (!name.isEmpty()) {
        return name;
      }
    }
    return uri.toString();
  }
}
