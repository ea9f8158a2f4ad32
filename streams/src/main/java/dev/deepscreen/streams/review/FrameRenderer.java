package dev.deepscreen.streams.review;

import dev.deepscreen.core.media.DecodedVideo;
import dev.deepscreen.core.media.Jpeg;
import dev.deepscreen.core.media.VideoDecoder;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.streams.extract.source.FetchedVideo;
import dev.deepscreen.streams.extract.source.VideoSources;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Renders a case's suspicious frames from the source video, through the extraction stage's own
 * parts: its {@link VideoSources} (allowed roots, hosts and buckets, size limit) and its {@link
 * VideoDecoder} (formats, size, duration, frame and time limits) sampling the frames it sampled,
 * so that a frame index of the records names the same picture here. The frames are plain JPEGs:
 * the page draws the faces' boxes and heatmaps over them from the records, so what a reviewer
 * sees outlined is what was scored, whatever the detector's settings are today.
 */
final class FrameRenderer {

  /** One rendered frame: a JPEG of it, and its size in pixels. */
  record RenderedFrame(int frameIndex, long timeMs, int width, int height, byte[] jpeg) {}

  /** The rendered frames of one case, by frame index, and what decoding learned. */
  record RenderedCase(DecodedVideo video, Map<Integer, RenderedFrame> frames) {}

  private static final int JPEG_QUALITY = 85;

  private final VideoSources sources;
  private final VideoDecoder decoder;
  private final int framesPerVideo;

  /**
   * @param sources the extraction stage's sources, owned by the caller
   * @param framesPerVideo the extraction stage's sample size, so the same frames are sampled
   */
  FrameRenderer(VideoSources sources, VideoDecoder decoder, int framesPerVideo) {
    this.sources = sources;
    this.decoder = decoder;
    this.framesPerVideo = framesPerVideo;
  }

  /**
   * Fetches and decodes the video behind {@code uri} (an untrusted string from a verdict) and
   * renders the sampled frames of {@code wanted}.
   *
   * @throws VideoException REJECTED when the extraction stage's checks refuse the URI or the
   *     video, UNREADABLE when it is gone or damaged, TIMED_OUT past the limits
   */
  RenderedCase render(String uri, Set<Integer> wanted) throws VideoException {
    Map<Integer, RenderedFrame> frames = new HashMap<>();
    try (FetchedVideo video = sources.fetch(uri)) {
      DecodedVideo decoded = decoder.sample(video.path(), framesPerVideo,
          (frameIndex, timestampMs, bgr) -> {
            if (wanted.contains(frameIndex)) {
              frames.put(frameIndex, new RenderedFrame(frameIndex, timestampMs, bgr.cols(),
                  bgr.rows(), Jpeg.encode(bgr, JPEG_QUALITY)));
            }
          });
      return new RenderedCase(decoded, Map.copyOf(frames));
    }
  }
}
