package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code file:} URIs, only under configured root folders. The check is on the real path,
 * after symbolic links and {@code ..} are resolved, so neither can lead out of a root.
 */
public final class FileVideoSource implements VideoSource {
  private final List<Path> roots;
  private final long maxBytes;

  /**
   * @param roots folders whose files may be read; none means no file may be read
   * @param maxBytes largest file accepted
   */
  public FileVideoSource(List<Path> roots, long maxBytes) {
    this.roots = roots.stream().map(FileVideoSource::real).toList();
    this.maxBytes = maxBytes;
  }

  @Override
  public List<String> schemes() {
    return List.of("file");
  }

  @Override
  public FetchedVideo fetch(URI uri) throws VideoException {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new VideoException(Kind.REJECTED, "Not a local file URI: " + uri, e);
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new VideoException(Kind.UNREADABLE, "No such file: " + path, e);
    } catch (IOException e) {
      throw new VideoException(Kind.UNREADABLE, "Cannot read " + path + ": " + e.getMessage(), e);
    }
    if (roots.stream().noneMatch(real::startsWith)) {
      throw new VideoException(Kind.REJECTED, "The file " + path + " is outside the folders"
          + " videos may be read from");
    }
    if (!Files.isRegularFile(real)) {
      throw new VideoException(Kind.REJECTED, "Not a regular file: " + path);
    }
    long bytes;
    try {
      bytes = Files.size(real);
    } catch (IOException e) {
      throw new VideoException(Kind.UNREADABLE, "Cannot read " + path + ": " + e.getMessage(), e);
    }
    if (bytes > maxBytes) {
      throw new VideoException(Kind.REJECTED, "The file has " + bytes + " bytes, more than the"
          + " limit of " + maxBytes);
    }
    return FetchedVideo.original(real, bytes);
  }

  private static Path real(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("The video root folder " + root + " does not exist", e);
    }
  }
}
