package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import java.net.URI;

/**
 * Makes the video behind a URI of one scheme available as a local file. A source may hold
 * clients and connections, released by {@link #close()}.
 */
public interface VideoSource extends AutoCloseable {

  /** The URI schemes this source reads, such as {@code file}, lower case. */
  java.util.List<String> schemes();

  /**
   * Fetches the video.
   *
   * @throws VideoException REJECTED when policy refuses the URI or the video's size, UNREADABLE
   *     when it cannot be read, TIMED_OUT when fetching took too long
   */
  FetchedVideo fetch(URI uri) throws VideoException;

  /** Releases what the source holds; it fetches nothing afterwards. */
  @Override
  default void close() {}
}
