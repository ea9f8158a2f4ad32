package dev.deepscreen.core.media;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the decoder accepts from an untrusted file. Checked before decoding starts where the
 * container declares it (size, format, resolution, duration) and again while decoding.
 *
 * @param maxBytes largest file, bytes
 * @param maxDuration longest declared or decoded duration
 * @param maxWidth widest frame, pixels
 * @param maxHeight tallest frame, pixels
 * @param maxFrames most frames decoded
 * @param timeBudget longest wall-clock time spent reading one video
 * @param formats container formats the demuxer may use, as FFmpeg names them; playlists and
 *     scripts that open other files (hls, concat) must never be among them
 */
public record DecodeLimits(long maxBytes, Duration maxDuration, int maxWidth, int maxHeight,
    long maxFrames, Duration timeBudget, List<String> formats) {

  /** MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, FLV and raw H.264/HEVC streams. */
  public static final List<String> DEFAULT_FORMATS = List.of("mov", "mp4", "m4a", "3gp", "3g2",
      "mj2", "matroska", "webm", "avi", "mpegts", "mpeg", "flv", "h264", "hevc");

  public static final DecodeLimits DEFAULTS = new DecodeLimits(2L << 30, Duration.ofMinutes(30),
      3840, 2160, 200_000, Duration.ofMinutes(2), DEFAULT_FORMATS);

  public DecodeLimits {
    Objects.requireNonNull(maxDuration, "maxDuration");
    Objects.requireNonNull(timeBudget, "timeBudget");
    formats = List.copyOf(formats);
    if (maxBytes < 1 || maxWidth < 1 || maxHeight < 1 || maxFrames < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    for (String format : formats) {
      if (format.equals("hls") || format.equals("concat") || format.contains(",")) {
        throw new IllegalArgumentException("format " + format + " cannot be allowed: it opens"
            + " other files named inside the input");
      }
    }
  }
}
