package dev.deepscreen.streams.inference;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.deepscreen.streams.media.FaceCropper;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.types.TFloat32;

/**
 * Turns a face crop into a model input exactly as training does: the same code serves the
 * scoring stage and the trainer. The crop (a BGR image) is brought to the model's square input
 * size by {@link FaceCropper#toSquare} when it has another size, converted to RGB, scaled to
 * [0, 1] and normalised per channel with the model's mean and standard deviation (ImageNet's in
 * the reference), and written into one slot of an NHWC float batch.
 */
public final class FacePreprocessor {

  /** ImageNet's per-channel mean and standard deviation, in RGB order. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

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
  public void write(Mat bgr, TFloat32 batch, int index) {
    int size = inputSize();
    Mat square = bgr.cols() == size && bgr.rows() == size ? null : resizer.toSquare(bgr);
    Mat source = square == null ? bgr : square;
    try (UByteIndexer pixels = source.createIndexer()) {
      FloatNdArray slot = batch.get(index);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          for (int c = 0; c < 3; c++) {
            // BGR in memory, RGB in the model: channel c reads byte 2 - c.
            float value = pixels.get(y, x, 2 - c) / 255f;
            slot.setFloat((value - mean[c]) / std[c], y, x, c);
          }
        }
      }
    } finally {
      if (square != null) {
        square.close();
      }
    }
  }
}
