package dev.deepscreen.core.media;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes BGR images into a video file with FFmpeg, in this process: the sample clips, the test
 * videos and the trainer's synthetic data set are written with it. The LGPL FFmpeg build here
 * encodes H.264 through OpenH264, and MPEG-4 Part 2 natively.
 */
public final class ClipWriter implements AutoCloseable {

  static {
    // FFmpeg and OpenH264 log every stream they open to stderr; errors surface as exceptions
    // (the same level as VideoDecoder sets: it is global).
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
  }

  /** Codec and container pairs. */
  public enum Codec {
    H264_MP4("libopenh264", "mp4"),
    MPEG4_AVI("mpeg4", "avi"),
    MPEG4_MKV("mpeg4", "matroska");

    private final String encoder;
    private final String format;

    Codec(String encoder, String format) {
      this.encoder = encoder;
      this.format = format;
    }

    /** The usual file name extension of the container. */
    public String extension() {
      return format.equals("matroska") ? "mkv" : format;
    }
  }

  private final FFmpegFrameRecorder recorder;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private final int width;
  private final int height;
  private boolean closed;

  private ClipWriter(FFmpegFrameRecorder recorder, int width, int height) {
    this.recorder = recorder;
    this.width = width;
    this.height = height;
  }

  /**
   * Starts a clip.
   *
   * @param bitrate video bits per second
   * @param displayRotation display matrix rotation written to the container, degrees (0: none)
   * @throws FrameRecorder.Exception if FFmpeg cannot open the file or the encoder
   */
  public static ClipWriter open(Path target, Codec codec, int width, int height, double fps,
      int bitrate, int displayRotation) throws FrameRecorder.Exception {
    return open(target, codec, width, height, fps, bitrate, displayRotation,
        (int) Math.max(1, Math.round(fps)), -1);
  }

  /**
   * Starts a clip with a keyframe every {@code gopSize} frames and up to {@code bFrames}
   * B-frames in a row (negative: the encoder's default; OpenH264 makes none).
   *
   * @throws FrameRecorder.Exception if FFmpeg cannot open the file or the encoder
   */
  public static ClipWriter open(Path target, Codec codec, int width, int height, double fps,
      int bitrate, int displayRotation, int gopSize, int bFrames)
      throws FrameRecorder.Exception {
    if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("YUV 4:2:0 needs even frame sides: " + width + "x"
          + height);
    }
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), width, height, 0);
    recorder.setFormat(codec.format);
    recorder.setVideoCodecName(codec.encoder);
    recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(fps);
    recorder.setVideoBitrate(bitrate);
    recorder.setGopSize(gopSize);
    if (bFrames >= 0) {
      recorder.setMaxBFrames(bFrames);
    }
    if (displayRotation != 0) {
      recorder.setDisplayRotation(displayRotation);
    }
    try {
      recorder.start();
    } catch (FrameRecorder.Exception e) {
      recorder.close();
      throw e;
    }
    return new ClipWriter(recorder, width, height);
  }

  /** Appends one frame: an 8-bit BGR image of the clip's size. */
  public void write(Mat bgr) throws FrameRecorder.Exception {
    if (closed) {
      throw new IllegalStateException("the clip is closed");
    }
    if (bgr.cols() != width || bgr.rows() != height || bgr.channels() != 3) {
      throw new IllegalArgumentException("frame " + bgr.cols() + "x" + bgr.rows() + "x"
          + bgr.channels() + ", the clip is " + width + "x" + height + " BGR");
    }
    recorder.record(converter.convert(bgr));
  }

  /** Finishes the file. Safe to call twice. */
  @Override
  public void close() throws FrameRecorder.Exception {
    if (!closed) {
      closed = true;
      try {
        recorder.stop();
      } finally {
        recorder.close();
        converter.close();
      }
    }
  }
}
