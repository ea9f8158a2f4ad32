package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG encoding of 8-bit BGR images, as the face crops and the review's frames are sent. */
public final class Jpeg {
  private Jpeg() {}

  /**
   * {@code bgr} as JPEG bytes at {@code quality} (0 to 100); {@code bgr} is left as it was.
   *
   * @throws IllegalStateException if OpenCV cannot encode it
   */
  public static byte[] encode(Mat bgr, int quality) {
    try (BytePointer buffer = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
      if (!imencode(".jpg", bgr, buffer, params)) {
        throw new IllegalStateException("OpenCV could not encode a " + bgr.cols() + "x"
            + bgr.rows() + " image as JPEG");
      }
      byte[] bytes = new byte[(int) buffer.limit()];
      buffer.get(bytes);
      return bytes;
    }
  }
}
