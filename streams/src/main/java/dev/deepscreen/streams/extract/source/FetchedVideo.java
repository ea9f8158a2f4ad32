package dev.deepscreen.streams.extract.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A video available as a local file for the decoder: the original for {@code file:} URIs, or a
 * temporary copy downloaded from S3 or HTTP, deleted on close.
 */
public final class FetchedVideo implements AutoCloseable {
  private final Path path;
  private final boolean temporary;
  private final long bytes;

  private FetchedVideo(Path path, boolean temporary, long bytes) {
    this.path = path;
    this.temporary = temporary;
    this.bytes = bytes;
  }

  static FetchedVideo original(Path path, long bytes) {
    return new FetchedVideo(path, false, bytes);
  }

  static FetchedVideo download(Path path, long bytes) {
    return new FetchedVideo(path, true, bytes);
  }

  public Path path() {
    return path;
  }

  public long bytes() {
    return bytes;
  }

  /** Deletes a downloaded copy; leaves an original alone. */
  @Override
  public void close() {
    if (temporary) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        path.toFile().deleteOnExit();
      }
    }
  }
}
