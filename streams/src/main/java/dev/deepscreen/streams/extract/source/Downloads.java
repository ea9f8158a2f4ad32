package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Copies a remote video's bytes to a temporary file, within a size limit and a deadline. */
final class Downloads {
  private Downloads() {}

  /**
   * Reads {@code in} to its end into a new file in {@code dir}. The limits are checked while
   * reading, whatever the server declared; on any failure the partial file is deleted. The
   * caller closes {@code in} (and should abort rather than drain it when this throws).
   *
   * @param deadline {@link System#nanoTime()} by which the copy must be done
   * @param timeout the time allowed, for the message
   */
  static FetchedVideo save(InputStream in, Path dir, long maxBytes, long deadline,
      Duration timeout) throws VideoException {
    Path file = null;
    try {
      file = Files.createTempFile(dir, "video-", ".download");
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(file)) {
        int read;
        while ((read = in.read(buffer)) != -1) {
          total += read;
          if (total > maxBytes) {
            throw new VideoException(Kind.REJECTED, "The video is larger than the limit of "
                + maxBytes + " bytes");
          }
          if (System.nanoTime() > deadline) {
            throw timedOut(timeout, null);
          }
          out.write(buffer, 0, read);
        }
      }
      return FetchedVideo.download(file, total);
    } catch (SocketTimeoutException e) {
      deleteQuietly(file);
      throw timedOut(timeout, e);
    } catch (IOException e) {
      deleteQuietly(file);
      throw new VideoException(Kind.UNREADABLE, "The download failed: " + e.getMessage(), e);
    } catch (VideoException e) {
      deleteQuietly(file);
      throw e;
    }
  }

  private static VideoException timedOut(Duration timeout, Exception cause) {
    return new VideoException(Kind.TIMED_OUT, "The download took longer than "
        + timeout.toMillis() + " ms", cause);
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit();
      }
    }
  }
}
