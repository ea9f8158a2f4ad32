package dev.deepscreen.core.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_DEFAULT;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONREF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import dev.deepscreen.core.media.MediaInput.FFmpegException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads the sampled frames of an untrusted local video file with FFmpeg, in this process.
 *
 * <p>Hardening: the demuxer may open only the local file itself ({@code protocol_whitelist=file})
 * and only the container formats of {@link DecodeLimits#formats()}, so a playlist or concat
 * script naming other files or URLs is refused before it is read. Size, resolution, duration,
 * frame count and a wall-clock budget are checked before and during decoding.
 *
 * <p>Sampling: a first pass only demuxes, noting each video packet's timestamp and keyframe flag
 * (cheap, and right where the container's frame count is missing or wrong); the sampled indices
 * come from the packet count. The second pass decodes in order, as inter-frame codecs require,
 * but only what the sampled frames need (see {@link SamplingPlan}), and converts to BGR only the
 * sampled frames. Frames are rotated by the stream's display matrix before they reach the
 * consumer.
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
  private final boolean skipUnsampled;

  /** A decoder using one thread per video: the stage runs videos in parallel instead. */
  public VideoDecoder(DecodeLimits limits) {
    this(limits, 1, true);
  }

  /**
   * @param threads FFmpeg decoding threads per video, or 0 to let FFmpeg choose from the cores
   * @param skipUnsampled whether frames that are not sampled and that no other frame refers to
   *     are left undecoded, and stretches before a keyframe skipped; false decodes every frame,
   *     as the reference reader does (same sampled frames, slower)
   */
  public VideoDecoder(DecodeLimits limits, int threads, boolean skipUnsampled) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
    }
    this.limits = limits;
    this.threads = threads;
    this.skipUnsampled = skipUnsampled;
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
    SamplingPlan.Packets packets = new SamplingPlan.Packets();
    try (MediaInput input = open(file)) {
      while (input.readVideoPacket()) {
        if (packets.count() >= limits.maxFrames()) {
          throw new VideoException(Kind.REJECTED, "The video has more than "
              + limits.maxFrames() + " frames");
        }
        AVPacket packet = input.packet();
        packets.add(packet.pts(), (packet.flags() & AV_PKT_FLAG_KEY) != 0);
        checkBudget(started);
      }
    } catch (FFmpegException e) {
      throw unreadable(e);
    }
    if (packets.count() == 0) {
      throw new VideoException(Kind.UNREADABLE, "The video stream has no frames");
    }
    SamplingPlan plan = SamplingPlan.of(packets, frames, AV_NOPTS_VALUE, skipUnsampled);
    try (MediaInput input = open(file)) {
      input.openDecoder(threads, (long) limits.maxWidth() * limits.maxHeight());
      int rotation = clockwiseRotation(input.displayRotation());
      try (BgrConverter converter = new BgrConverter(rotation)) {
        Pass pass = new Pass(input, plan, converter, consumer, started);
        pass.run();
        if (pass.sampled == 0) {
          throw new VideoException(Kind.UNREADABLE, "No frame of the video could be decoded"
              + (pass.lastError == null ? "" : ": " + pass.lastError));
        }
        boolean sideways = rotation == 90 || rotation == 270;
        return new DecodedVideo(input.formatName(), input.codecName(),
            sideways ? input.height() : input.width(), sideways ? input.width() : input.height(),
            rotation, input.durationMicros() > 0 ? input.durationMicros() / 1000 : -1,
            input.frameRate(), input.declaredFrames(), packets.count(), pass.decoded,
            pass.sampled, bytes, (System.nanoTime() - started) / 1_000_000);
      }
    } catch (FFmpegException e) {
      throw unreadable(e);
    }
  }

  /** The second pass over one file: feeds the decoder what the plan needs, hands over frames. */
  private final class Pass {
    private final MediaInput input;
    private final SamplingPlan plan;
    private final BgrConverter converter;
    private final SampledFrameConsumer consumer;
    private final long started;
    private final int[] indices;
    private final int lastIndex;
    private long decoded;
    private int sampled;
    private int lastSampledIndex = -1;
    private String lastError;

    Pass(MediaInput input, SamplingPlan plan, BgrConverter converter,
        SampledFrameConsumer consumer, long started) {
      this.input = input;
      this.plan = plan;
      this.converter = converter;
      this.consumer = consumer;
      this.started = started;
      this.indices = plan.indices();
      this.lastIndex = indices[indices.length - 1];
    }

    void run() throws FFmpegException, VideoException {
      // A jump empties the decoder, idling its threads: worth it only past a few frames.
      int minSkipped = Math.max(4, 2 * input.decoderThreads());
      int position = -1; // decode position of the packet last read
      while (input.readVideoPacket()) {
        position++;
        checkBudget(started);
        if (plan.byTimestamp()) {
          if (plan.nothingSampledFrom(position)) {
            break; // every sampled frame is in the decoder
          }
          int target = plan.jumpTarget(position, minSkipped);
          if (target > position) {
            drain();
            input.flush();
            while (position < target && input.readVideoPacket()) {
              position++;
            }
            if (position < target) {
              break; // the file ended sooner than in the first pass
            }
          }
        } else if (decoded > lastIndex) {
          break;
        }
        boolean needed = !plan.byTimestamp() || plan.sampledPacket(position);
        try {
          while (!input.send(needed ? AVDISCARD_DEFAULT : AVDISCARD_NONREF)) {
            receiveAll(); // the decoder holds frames to give back before it takes more
          }
        } catch (FFmpegException e) {
          lastError = e.getMessage(); // a damaged packet: the others may still decode
        }
        receiveAll();
      }
      drain();
    }

    private void drain() throws FFmpegException, VideoException {
      input.sendEnd();
      receiveAll();
    }

    private void receiveAll() throws VideoException {
      while (true) {
        try {
          if (!input.receive()) {
            return;
          }
        } catch (FFmpegException e) {
          lastError = e.getMessage(); // a damaged frame: the others may still decode
          continue;
        }
        if (++decoded > limits.maxFrames()) {
          throw new VideoException(Kind.REJECTED, "The video has more than "
              + limits.maxFrames() + " frames");
        }
        accept(input.frame());
      }
    }

    private void accept(AVFrame frame) throws VideoException {
      int index;
      if (plan.byTimestamp()) {
        index = plan.sampledIndexOf(frame.pts());
      } else {
        int counted = (int) (decoded - 1);
        index = Arrays.binarySearch(indices, counted) >= 0 ? counted : -1;
      }
      if (index <= lastSampledIndex) {
        return; // not sampled, or a repeated timestamp
      }
      checkFrameSize(frame.width(), frame.height());
      Mat bgr;
      try {
        bgr = converter.convert(frame);
      } catch (FFmpegException e) {
        lastError = e.getMessage();
        return;
      }
      long timestampMs = input.millis(plan.byTimestamp() ? frame.pts()
          : frame.best_effort_timestamp());
      if (timestampMs < 0 && input.frameRate() > 0) {
        timestampMs = Math.round(index * 1000 / input.frameRate());
      }
      consumer.accept(index, Math.max(0, timestampMs), bgr);
      lastSampledIndex = index;
      sampled++;
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
  private MediaInput open(Path file) throws VideoException {
    MediaInput input;
    try {
      input = MediaInput.open(file, limits.formats());
    } catch (FFmpegException e) {
      if (isPlaylistOrScript(file)) {
        throw new VideoException(Kind.REJECTED, "The file is a playlist or a script naming other"
            + " files, not one of the allowed video containers " + limits.formats(), e);
      }
      throw new VideoException(Kind.UNREADABLE, "FFmpeg cannot open the file as a video of an"
          + " allowed container " + limits.formats() + ": " + e.getMessage(), e);
    }
    try {
      checkDeclared(input);
    } catch (VideoException e) {
      input.close();
      throw e;
    }
    return input;
  }

  private void checkDeclared(MediaInput input) throws VideoException {
    if (!input.hasVideo()) {
      throw new VideoException(Kind.UNREADABLE, "The file has no video stream");
    }
    int width = input.width();
    int height = input.height();
    if (width <= 0 || height <= 0) {
      throw new VideoException(Kind.UNREADABLE, "The video stream declares no frame size");
    }
    checkFrameSize(width, height);
    long durationMicros = input.durationMicros();
    if (durationMicros > limits.maxDuration().toNanos() / 1000) {
      throw new VideoException(Kind.REJECTED, "The video lasts " + durationMicros / 1_000_000
          + " s, longer than the limit of " + limits.maxDuration().toSeconds() + " s");
    }
  }

  private void checkFrameSize(int width, int height) throws VideoException {
    if (Math.max(width, height) > Math.max(limits.maxWidth(), limits.maxHeight())
        || Math.min(width, height) > Math.min(limits.maxWidth(), limits.maxHeight())) {
      throw new VideoException(Kind.REJECTED, "The video is " + width + "x" + height
          + ", larger than the limit of " + limits.maxWidth() + "x" + limits.maxHeight());
    }
  }

  private void checkBudget(long started) throws VideoException {
    if (System.nanoTime() - started > limits.timeBudget().toNanos()) {
      throw new VideoException(Kind.TIMED_OUT, "Reading the video took longer than its budget of "
          + limits.timeBudget().toMillis() + " ms");
    }
  }

  /**
   * The clockwise rotation that shows the frame upright: the display matrix's angle is
   * counter-clockwise.
   */
  private static int clockwiseRotation(double counterClockwise) {
    int clockwise = (int) Math.floorMod(-Math.round(counterClockwise), 360L);
    return Arrays.stream(new int[] {0, 90, 180, 270, 360})
        .filter(r -> Math.abs(r - clockwise) <= 1).map(r -> r % 360).findFirst().orElse(0);
  }

  private static boolean isPlaylistOrScript(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(16), java.nio.charset.StandardCharsets.US_ASCII);
      return head.startsWith("#EXTM3U") || head.startsWith("ffconcat");
    } catch (IOException e) {
      return false;
    }
  }

  private static VideoException unreadable(FFmpegException e) {
    return new VideoException(Kind.UNREADABLE, e.getMessage(), e);
  }
}
