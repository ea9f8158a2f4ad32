package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Picks the source for a URI's scheme; any scheme without one is rejected. Owns the sources:
 * closing it closes them.
 */
public final class VideoSources implements AutoCloseable {
  private final List<VideoSource> sources;
  private final Map<String, VideoSource> byScheme;

  public VideoSources(List<VideoSource> sources) {
    this.sources = List.copyOf(sources);
    this.byScheme = sources.stream().flatMap(source -> source.schemes().stream()
        .map(scheme -> Map.entry(scheme, source)))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** Fetches the video named by {@code uri}, a string from an untrusted event. */
  public FetchedVideo fetch(String uri) throws VideoException {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new VideoException(Kind.REJECTED, "Not a valid URI: " + e.getMessage(), e);
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    VideoSource source = byScheme.get(scheme);
    if (source == null) {
      throw new VideoException(Kind.REJECTED, "URI scheme '" + scheme + "' is not accepted;"
          + " accepted: " + byScheme.keySet().stream().sorted().toList());
    }
    return source.fetch(parsed);
  }

  @Override
  public void close() {
    for (VideoSource source : sources) {
      source.close();
    }
  }
}
