package dev.deepscreen.streams.media;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Video clips made from the real {@link FacePhotos}: a slow pan across a group photo, encoded
 * with FFmpeg (H.264 through OpenH264, or MPEG-4 Part 2). The demo submits them when given no
 * videos; the tests decode, sample and detect on them, genuine compressed video with genuine
 * faces.
 */
public final class SampleClips {
  private SampleClips() {}

  /** Codec and container pairs the tests encode. */
  public enum Codec {
    H264_MP4("libopenh264", "mp4"),
    MPEG4_AVI("mpeg4", "avi"),
    MPEG4_MKV("mpeg4", "matroska");

    final String encoder;
    final String format;

    Codec(String encoder, String format) {
      this.encoder = encoder;
      this.format = format;
    }

    public String extension() {
      return format.equals("matroska") ? "mkv" : format;
    }
  }

  /**
   * Writes a clip of {@code frames} frames at {@code fps} panning slowly across {@code photo},
   * each frame {@code width}x{@code height}, with an optional display rotation.
   */
  public static Path panningClip(Path target, String photo, Codec codec, int width, int height,
      int frames, double fps, int displayRotation) throws FrameRecorder.Exception {
    try (Mat source = FacePhotos.read(photo);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), width, height, 0);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      recorder.setFormat(codec.format);
      recorder.setVideoCodecName(codec.encoder);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setVideoBitrate(Math.max(200_000, width * height * 3));
      recorder.setGopSize((int) Math.round(fps));
      if (displayRotation != 0) {
        recorder.setDisplayRotation(displayRotation);
      }
      recorder.start();
      // A window of the photo's aspect ratio that covers 90% of it, sliding left to right.
      int windowWidth = (int) (source.cols() * 0.9);
      int windowHeight = Math.min(source.rows(), windowWidth * height / width);
      for (int i = 0; i < frames; i++) {
        int x = (source.cols() - windowWidth) * i / Math.max(1, frames - 1);
        int y = (source.rows() - windowHeight) / 2;
        try (Rect window = new Rect(x, y, windowWidth, windowHeight);
            Mat view = new Mat(source, window); Mat frame = new Mat();
            Size size = new Size(width, height)) {
          resize(view, frame, size, 0, 0, INTER_AREA);
          recorder.record(converter.convert(frame));
        }
      }
      recorder.stop();
    }
    return target;
  }
}
