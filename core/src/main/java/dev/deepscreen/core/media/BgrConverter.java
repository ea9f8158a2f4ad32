package dev.deepscreen.core.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;

import dev.deepscreen.core.media.MediaInput.FFmpegException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns decoded frames into upright BGR images, written into images it owns and reuses: each
 * result is valid until the next call or {@link #close()}.
 */
final class BgrConverter implements AutoCloseable {

  private final int clockwiseRotation;
  private SwsContext scaler;
  private Mat bgr;
  private Mat upright;
  private final PointerPointer<?> planes = new PointerPointer<>(4);
  private final IntPointer strides = new IntPointer(4);
  private boolean closed;

  /** @param clockwiseRotation 0, 90, 180 or 270: the turn that shows the frames upright */
  BgrConverter(int clockwiseRotation) {
    this.clockwiseRotation = clockwiseRotation;
    for (int i = 0; i < 4; i++) {
      planes.put(i, (org.bytedeco.javacpp.Pointer) null);
      strides.put(i, 0);
    }
  }

  Mat convert(AVFrame frame) throws FFmpegException {
    if (closed) {
      throw new IllegalStateException("The converter is closed");
    }
    int width = frame.width();
    int height = frame.height();
    if (bgr == null || bgr.cols() != width || bgr.rows() != height) {
      if (bgr != null) {
        bgr.close();
      }
      bgr = new Mat(height, width, CV_8UC3);
    }
    // Same size: only the pixel format changes, so the scaling method is irrelevant.
    scaler = sws_getCachedContext(scaler, width, height, frame.format(), width, height,
        AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null, (DoublePointer) null);
    if (scaler == null || scaler.isNull()) {
      throw new FFmpegException("FFmpeg cannot convert frames of pixel format " + frame.format());
    }
    planes.put(0, bgr.data());
    strides.put(0, (int) bgr.step());
    sws_scale(scaler, frame.data(), frame.linesize(), 0, height, planes, strides);
    if (clockwiseRotation == 0) {
      return bgr;
    }
    if (upright == null) {
      upright = new Mat();
    }
    rotate(bgr, upright, switch (clockwiseRotation) {
      case 90 -> ROTATE_90_CLOCKWISE;
      case 180 -> ROTATE_180;
      default -> ROTATE_90_COUNTERCLOCKWISE;
    });
    return upright;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (scaler != null) {
      sws_freeContext(scaler);
      scaler = null;
    }
    if (bgr != null) {
      bgr.close();
    }
    if (upright != null) {
      upright.close();
    }
    planes.close();
    strides.close();
  }
}
