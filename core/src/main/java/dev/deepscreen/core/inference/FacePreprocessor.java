package dev.deepscreen.core.inference;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.deepscreen.core.media.FaceCropper;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Turns a face crop into a model input exactly as training does: the same code serves the
 * scoring stage and the trainer. The crop (a BGR image) is brought to the model's square input
 * size by {@link FaceCropper#toSquare} when it has another size, converted to RGB, scaled to
 * [0, 1] and normalised per channel with the model's mean and standard deviation (ImageNet's in
 * the reference), and written into one slot of a batch: a {@link FaceBatch} in the model's
 * layout for scoring, or an NHWC tensor for training.
 */
public final class FacePreprocessor {

  /** ImageNet's per-channel mean and standard deviation, in RGB order. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** The largest crop side accepted, the largest input size a cropper produces. */
  public static final int MAX_CROP_SIDE = 4096;

  private final FaceCropper resizer;
  private final float[] mean;
  private final float[] std;

  /**
   * @param inputSize the model's square input side
   * @param mean per-channel mean, RGB
   * @param std per-channel standard deviation, RGB, all positive
   */
  public FacePreprocessor(int inputSize, float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need three channels");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive: " + s);
      }
    }
    this.resizer = new FaceCropper(inputSize, 0);
    this.mean = mean.clone();
    this.std = std.clone();
  }

  public int inputSize() {
    return resizer.inputSize();
  }

  /**
   * Decodes a JPEG crop into a BGR image the caller closes.
   *
   * @throws IllegalArgumentException if the bytes are not an image of the declared square size
   */
  public static Mat decode(byte[] jpeg, int declaredWidth, int declaredHeight) {
    if (declaredWidth < 1 || declaredHeight < 1 || declaredWidth > MAX_CROP_SIDE
        || declaredHeight > MAX_CROP_SIDE) {
      throw new IllegalArgumentException("The crop's declared size " + declaredWidth + "x"
          + declaredHeight + " is outside 1.." + MAX_CROP_SIDE);
    }
    int[] header = JpegHeader.size(jpeg);
    if (header[0] != declaredWidth || header[1] != declaredHeight) {
      throw new IllegalArgumentException("The crop is " + header[0] + "x" + header[1]
          + ", not the declared " + declaredWidth + "x" + declaredHeight);
    }
    Mat image;
    try (Mat bytes = new Mat(jpeg)) {
      image = imdecode(bytes, IMREAD_COLOR);
    }
    if (image.empty()) {
      image.close();
      throw new IllegalArgumentException("The crop is not a decodable image ("
          + jpeg.length + " bytes)");
    }
    String actual = image.cols() + "x" + image.rows();
    if (image.cols() != declaredWidth || image.rows() != declaredHeight) {
      image.close();
      throw new IllegalArgumentException("The crop is " + actual + ", not the declared "
          + declaredWidth + "x" + declaredHeight);
    }
    if (image.cols() != image.rows()) {
      image.close();
      throw new IllegalArgumentException("The crop is " + actual + ", not square");
    }
    return image;
  }

  /** Writes {@code bgr} as the normalised RGB image at position {@code index} of {@code batch}. */
  public void write(Mat bgr, FaceBatch batch, int index) {
    if (batch.size() != inputSize()) {
      throw new IllegalArgumentException("A batch of " + batch.size() + " pixels for a model of "
          + inputSize());
    }
    batch.put(index, toInput(bgr));
  }

  /**
   * Writes {@code bgr} as the normalised RGB image at position {@code index} of {@code batch}, an
   * NHWC tensor (the trainer's).
   */
  public void write(Mat bgr, TFloat32 batch, int index) {
    batch.get(index).copyFrom(DataBuffers.of(toInput(bgr), true, false));
  }

  /**
   * {@code bgr} as the model sees it: the normalised RGB image, {@code size * size * 3} floats in
   * row-major HWC order.
   */
  public float[] toInput(Mat bgr) {
    int size = inputSize();
    Mat square = bgr.cols() == size && bgr.rows() == size ? null : resizer.toSquare(bgr);
    Mat source = square == null ? bgr : square;
    try {
      if (source.type() != CV_8UC3) {
        throw new IllegalArgumentException("Expected an 8-bit BGR image, got OpenCV type "
            + source.type());
      }
      byte[] pixels = new byte[size * size * 3];
      if (source.isContinuous()) {
        source.data().get(pixels);
      } else {
        try (Mat copy = source.clone()) {
          copy.data().get(pixels);
        }
      }
      float[] input = new float[pixels.length];
      for (int i = 0; i < pixels.length; i += 3) {
        // BGR in memory, RGB in the model: channel c reads byte 2 - c.
        for (int c = 0; c < 3; c++) {
          float value = (pixels[i + 2 - c] & 0xff) / 255f;
          input[i + c] = (value - mean[c]) / std[c];
        }
      }
      return input;
    } finally {
      if (square != null) {
        square.close();
      }
    }
  }
}
