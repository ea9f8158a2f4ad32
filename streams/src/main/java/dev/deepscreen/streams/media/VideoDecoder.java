package dev.deepscreen.streams.media;

import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;

import dev.deepscreen.streams.media.VideoException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads the sampled frames of an untrusted local video file with FFmpeg, in this process.
 *
 * <p>Hardening: the demuxer may open only the local file itself ({@code protocol_whitelist=file})
 * and only the container formats of {@link DecodeLimits#formats()}, so a playlist or concat
 * script naming other files or URLs is refused before it is read. Size, resolution, duration,
 * frame count and a wall-clock budget are checked before and during decoding.
 *
 * <p>Sampling: a first pass only demuxes, counting the video packets (cheap, and right where the
 * container's frame count is missing or wrong); a second pass decodes every frame in order, as
 * inter-frame codecs require, but converts to BGR only the frames at the sampled indices. Frames
 * are rotated by the stream's display matrix before they reach the consumer.
 */
public final class VideoDecoder {

  static {
    // FFmpeg's own log would print every complaint about a hostile file to stderr; the
    // exceptions carry what matters.
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    FFmpegLogCallback.setLevel(avutil.AV_LOG_QUIET);
  }

  /** Receives each sampled frame; the image is valid only during the call. */
  @FunctionalInterface
  public interface SampledFrameConsumer {
    void accept(int frameIndex, long timestampMs, Mat bgr) throws VideoException;
  }

  private final DecodeLimits limits;
  private final int threads;

  /** A decoder using one thread per video: the stage runs videos in parallel instead. */
  public VideoDecoder(DecodeLimits limits) {
    this(limits, 1);
  }

  /**
   * @param threads FFmpeg decoding threads per video, or 0 to let FFmpeg choose from the cores
   */
  public VideoDecoder(DecodeLimits limits, int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
    }
    this.limits = limits;
    this.threads = threads;
  }

  /**
   * Decodes {@code file} and hands the frames at {@code FrameSampling.indices(count, frames)} to
   * {@code consumer}, in order.
   *
   * @throws VideoException REJECTED, UNREADABLE or TIMED_OUT, with a message for the user
   */
  public DecodedVideo sample(Path file, int frames, SampledFrameConsumer consumer)
      throws VideoException {
    long started = System.nanoTime();
    long bytes = checkSize(file);
    long packets;
    try (FFmpegFrameGrabber grabber = open(file, false)) {
      packets = countVideoPackets(grabber, started);
    } catch (FrameGrabber.Exception e) {
      throw unreadable(e);
    }
    if (packets == 0) {
      throw new VideoException(Kind.UNREADABLE, "The video stream has no frames");
    }
    int[] indices = FrameSampling.indices(packets, frames);
    try (FFmpegFrameGrabber grabber = open(file, true);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      int rotation = clockwiseRotation(grabber);
      long decoded = 0;
      int next = 0;
      Frame frame;
      while (next < indices.length) {
        boolean wanted = indices[next] == decoded;
        frame = grabber.grabFrame(false, true, wanted, false, false);
        if (frame == null) {
          break; // fewer frames than packets: the file ends early; keep what was sampled
        }
        if (++decoded > limits.maxFrames()) {
          throw new VideoException(Kind.REJECTED, "The video has more than "
              + limits.maxFrames() + " frames");
        }
        checkBudget(started);
        if (wanted && frame.imageWidth > 0) {
          Mat image = converter.convert(frame);
          long timestampMs = frame.timestamp / 1000;
          if (rotation == 0) {
            consumer.accept(indices[next], timestampMs, image);
          } else {
            try (Mat upright = new Mat()) {
              rotate(image, upright, rotateCode(rotation));
              consumer.accept(indices[next], timestampMs, upright);
            }
          }
          next++;
        } else if (wanted) {
          next++; // the decoder returned no picture for this frame: skip the index
        }
      }
      if (next == 0) {
        throw new VideoException(Kind.UNREADABLE, "No frame of the video could be decoded");
      }
      boolean sideways = rotation == 90 || rotation == 270;
      AVFormatContext context = grabber.getFormatContext();
      return new DecodedVideo(grabber.getFormat(), grabber.getVideoCodecName(),
          sideways ? grabber.getImageHeight() : grabber.getImageWidth(),
          sideways ? grabber.getImageWidth() : grabber.getImageHeight(), rotation,
          context.duration() > 0 ? context.duration() / 1000 : -1, grabber.getFrameRate(),
          declaredFrames(grabber), packets, decoded, next, bytes,
          (System.nanoTime() - started) / 1_000_000);
    } catch (FrameGrabber.Exception e) {
      throw unreadable(e);
    }
  }

  private long checkSize(Path file) throws VideoException {
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new VideoException(Kind.UNREADABLE, "Cannot read the video file: " + e.getMessage(), e);
    }
    if (bytes == 0) {
      throw new VideoException(Kind.UNREADABLE, "The video file is empty");
    }
    if (bytes > limits.maxBytes()) {
      throw new VideoException(Kind.REJECTED, "The video file has " + bytes
          + " bytes, more than the limit of " + limits.maxBytes());
    }
    return bytes;
  }

  /** Opens the file with the hardened options and checks what the container declares. */
  private FFmpegFrameGrabber open(Path file, boolean forDecoding) throws VideoException,
      FrameGrabber.Exception {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    grabber.setOption("protocol_whitelist", "file");
    grabber.setOption("format_whitelist", String.join(",", limits.formats()));
    grabber.setVideoOption("threads", threads == 0 ? "auto" : Integer.toString(threads));
    if (forDecoding) {
      // The first pass checked the declared size; this refuses larger pictures inside the
      // decoder, in case the bitstream disagrees with its container.
      grabber.setVideoOption("max_pixels",
          Long.toString((long) limits.maxWidth() * limits.maxHeight()));
      grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    }
    try {
      grabber.start();
    } catch (FrameGrabber.Exception e) {
      grabber.close();
      if (isPlaylistOrScript(file)) {
        throw new VideoException(Kind.REJECTED, "The file is a playlist or a script naming other"
            + " files, not one of the allowed video containers " + limits.formats(), e);
      }
      throw new VideoException(Kind.UNREADABLE, "FFmpeg cannot open the file as a video of an"
          + " allowed container " + limits.formats() + ": " + e.getMessage(), e);
    }
    try {
      checkDeclared(grabber);
    } catch (VideoException e) {
      grabber.close();
      throw e;
    }
    return grabber;
  }

  private void checkDeclared(FFmpegFrameGrabber grabber) throws VideoException {
    if (!grabber.hasVideo()) {
      throw new VideoException(Kind.UNREADABLE, "The file has no video stream");
    }
    int width = grabber.getImageWidth();
    int height = grabber.getImageHeight();
    if (width <= 0 || height <= 0) {
      throw new VideoException(Kind.UNREADABLE, "The video stream declares no frame size");
    }
    if (Math.max(width, height) > Math.max(limits.maxWidth(), limits.maxHeight())
        || Math.min(width, height) > Math.min(limits.maxWidth(), limits.maxHeight())) {
      throw new VideoException(Kind.REJECTED, "The video is " + width + "x" + height
          + ", larger than the limit of " + limits.maxWidth() + "x" + limits.maxHeight());
    }
    long durationMicros = grabber.getFormatContext().duration();
    if (durationMicros > limits.maxDuration().toNanos() / 1000) {
      throw new VideoException(Kind.REJECTED, "The video lasts " + durationMicros / 1_000_000
          + " s, longer than the limit of " + limits.maxDuration().toSeconds() + " s");
    }
  }

  private long countVideoPackets(FFmpegFrameGrabber grabber, long started)
      throws FrameGrabber.Exception, VideoException {
    int videoStream = firstVideoStream(grabber.getFormatContext());
    long count = 0;
    AVPacket packet;
    while ((packet = grabber.grabPacket()) != null) {
      if (packet.stream_index() == videoStream && ++count > limits.maxFrames()) {
        throw new VideoException(Kind.REJECTED, "The video has more than " + limits.maxFrames()
            + " frames");
      }
      checkBudget(started);
    }
    return count;
  }

  private static int firstVideoStream(AVFormatContext context) {
    for (int i = 0; i < context.nb_streams(); i++) {
      if (context.streams(i).codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
        return i;
      }
    }
    return -1;
  }

  private void checkBudget(long started) throws VideoException {
    if (System.nanoTime() - started > limits.timeBudget().toNanos()) {
      throw new VideoException(Kind.TIMED_OUT, "Reading the video took longer than its budget of "
          + limits.timeBudget().toMillis() + " ms");
    }
  }

  private static long declaredFrames(FFmpegFrameGrabber grabber) {
    int frames = grabber.getLengthInVideoFrames();
    return frames > 0 ? frames : -1;
  }

  /** The clockwise rotation that shows the frame upright: the display matrix is counter-clockwise. */
  private static int clockwiseRotation(FFmpegFrameGrabber grabber) {
    long counterClockwise = Math.round(grabber.getDisplayRotation());
    int clockwise = (int) Math.floorMod(-counterClockwise, 360L);
    return Arrays.stream(new int[] {0, 90, 180, 270}).filter(r -> Math.abs(r - clockwise) <= 1)
        .findFirst().orElse(0);
  }

  private static int rotateCode(int clockwise) {
    return switch (clockwise) {
      case 90 -> ROTATE_90_CLOCKWISE;
      case 180 -> ROTATE_180;
      default -> ROTATE_90_COUNTERCLOCKWISE;
    };
  }

  private static boolean isPlaylistOrScript(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII);
      return head.startsWith("#EXTM3U") || head.startsWith("ffconcat");
    } catch (IOException e) {
      return false;
    }
  }

  private static VideoException unreadable(FrameGrabber.Exception e) {
    return new VideoException(Kind.UNREADABLE, "FFmpeg cannot decode the video: "
        + e.getMessage(), e);
  }
}
