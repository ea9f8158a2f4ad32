package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts a face out of a frame the way the reference solution prepared its model inputs: the face
 * box grown by a margin on each side and clamped to the frame, resized without distortion so that
 * its longer side equals the model input size (INTER_AREA when shrinking, INTER_CUBIC when
 * enlarging, sizes truncated to integers), then centred on a black square of that size.
 *
 * <p>The same code prepares training crops in the trainer: both sides of the model see identical
 * pixels.
 */
public final class FaceCropper {

  private final int inputSize;
  private final double margin;

  /**
   * @param inputSize side of the square model input, pixels (380 in the reference)
   * @param margin fraction of the box's width and height added on each side (0.3; the reference
   *     inference used a third)
   */
  public FaceCropper(int inputSize, double margin) {
    if (inputSize < 1 || inputSize > 4096) {
      throw new IllegalArgumentException("inputSize must be in [1, 4096]: " + inputSize);
    }
    if (!(margin >= 0 && margin <= 2)) {
      throw new IllegalArgumentException("margin must be in [0, 2]: " + margin);
    }
    this.inputSize = inputSize;
    this.margin = margin;
  }

  public int inputSize() {
    return inputSize;
  }

  /** The region of the frame that the crop of {@code face} covers. */
  public Rect region(FaceBox face, int frameWidth, int frameHeight) {
    int[] r = region(face.x(), face.y(), face.width(), face.height(), frameWidth, frameHeight,
        margin);
    return new Rect(r[0], r[1], r[2], r[3]);
  }

  /**
   * The region of a frame that the crop of the box {@code x, y, width, height} covers with
   * {@code margin}: {x, y, width, height}. Also where a face's heatmap lies, for the pages that
   * draw it.
   */
  public static int[] region(int x, int y, int width, int height, int frameWidth,
      int frameHeight, double margin) {
    int padX = (int) (width * margin);
    int padY = (int) (height * margin);
    int x1 = Math.max(x - padX, 0);
    int y1 = Math.max(y - padY, 0);
    int x2 = Math.min(x + width + padX, frameWidth);
    int y2 = Math.min(y + height + padY, frameHeight);
    return new int[] {x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1)};
  }

  /** The model-input square for {@code face}; the caller closes it. */
  public Mat crop(Mat frame, FaceBox face) {
    try (Rect region = region(face, frame.cols(), frame.rows());
        Mat view = new Mat(frame, region)) {
      return toSquare(view);
    }
  }

  /** Resizes an image isotropically to the input size and centres it on a black square. */
  public Mat toSquare(Mat image) {
    int w = image.cols();
    int h = image.rows();
    int longer = Math.max(w, h);
    Mat resized = new Mat();
    if (longer == inputSize) {
      image.copyTo(resized);
    } else {
      double scale = (double) inputSize / longer;
      int newW = w > h ? inputSize : (int) (w * scale);
      int newH = w > h ? (int) (h * scale) : inputSize;
      try (Size size = new Size(Math.max(1, newW), Math.max(1, newH))) {
        resize(image, resized, size, 0, 0, scale > 1 ? INTER_CUBIC : INTER_AREA);
      }
    }
    try (resized; Scalar black = new Scalar(0, 0, 0, 0)) {
      int left = (inputSize - resized.cols()) / 2;
      int top = (inputSize - resized.rows()) / 2;
      Mat square = new Mat();
      copyMakeBorder(resized, square, top, inputSize - resized.rows() - top, left,
          inputSize - resized.cols() - left, BORDER_CONSTANT, black);
      return square;
    }
  }
}
