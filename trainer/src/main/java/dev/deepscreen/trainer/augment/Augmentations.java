package dev.deepscreen.trainer.augment;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_16SC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.LUT;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.eigen;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.merge;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2HSV;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_HSV2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The reference solution's training augmentations on 8-bit BGR images, with its parameters
 * (those of albumentations where it used the defaults). Each returns a new image and draws every
 * random choice from the given generator.
 */
public final class Augmentations {
  private Augmentations() {}

  /** JPEG re-encoding at a quality drawn from [60, 100]. */
  public static Augmentation imageCompression() {
    return (image, random) -> {
      int quality = 60 + random.nextInt(41);
      try (BytePointer buffer = new BytePointer();
          IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
        if (!imencode(".jpg", image, buffer, params)) {
          throw new IllegalStateException("OpenCV could not encode an image as JPEG");
        }
        try (Mat bytes = new Mat(1, (int) buffer.limit(), CV_8U, buffer)) {
          return imdecode(bytes, IMREAD_COLOR);
        }
      }
    };
  }

  /** Gaussian noise of a variance drawn from [10, 50], per pixel and channel. */
  public static Augmentation gaussianNoise() {
    return (image, random) -> {
      double sigma = Math.sqrt(10 + 40 * random.nextDouble());
      try (RNG rng = new RNG(random.nextLong()); Mat noise = new Mat(image.rows(), image.cols(),
          CV_16SC3); Mat wide = new Mat(); Scalar zero = Scalar.all(0);
          Scalar spread = Scalar.all(sigma); Mat mean = new Mat(1, 1, CV_64F, zero);
          Mat deviation = new Mat(1, 1, CV_64F, spread)) {
        // OpenCV's own generator, seeded from ours: fast and reproducible.
        rng._fill(noise, RNG.NORMAL, mean, deviation);
        image.convertTo(wide, CV_16SC3);
        add(wide, noise, wide);
        Mat out = new Mat();
        wide.convertTo(out, CV_8U); // saturating
        return out;
      }
    };
  }

  /** A 3x3 Gaussian blur. */
  public static Augmentation gaussianBlur() {
    return (image, random) -> {
      Mat out = new Mat();
      try (Size kernel = new Size(3, 3)) {
        GaussianBlur(image, out, kernel, 0);
      }
      return out;
    };
  }

  /** A mirror image, left to right. */
  public static Augmentation horizontalFlip() {
    return (image, random) -> {
      Mat out = new Mat();
      flip(image, out, 1);
      return out;
    };
  }

  /**
   * Resize without distortion so the longer side is {@code size}, with one of the reference's
   * three interpolation pairs (shrinking, enlarging): area/cubic, area/linear, linear/linear.
   */
  public static Augmentation isotropicResize(int size) {
    int[][] pairs = {{INTER_AREA, INTER_CUBIC}, {INTER_AREA, INTER_LINEAR},
        {INTER_LINEAR, INTER_LINEAR}};
    return (image, random) -> {
      int[] pair = pairs[random.nextInt(pairs.length)];
      int w = image.cols();
      int h = image.rows();
      double scale = (double) size / Math.max(w, h);
      int newW = w > h ? size : (int) (w * scale);
      int newH = w > h ? (int) (h * scale) : size;
      Mat out = new Mat();
      try (Size target = new Size(Math.max(1, newW), Math.max(1, newH))) {
        resize(image, out, target, 0, 0, scale > 1 ? pair[1] : pair[0]);
      }
      return out;
    };
  }

  /** Black borders centring the image on a {@code size} square (no-op when it fills it). */
  public static Augmentation padToSquare(int size) {
    return (image, random) -> {
      int top = Math.max(0, (size - image.rows()) / 2);
      int left = Math.max(0, (size - image.cols()) / 2);
      int bottom = Math.max(0, size - image.rows() - top);
      int right = Math.max(0, size - image.cols() - left);
      Mat out = new Mat();
      try (Scalar black = Scalar.all(0)) {
        copyMakeBorder(image, out, top, bottom, left, right, BORDER_CONSTANT, black);
      }
      return out;
    };
  }

  /** {@code alpha * x + beta * 255} with alpha in [0.8, 1.2] and beta in [-0.2, 0.2]. */
  public static Augmentation brightnessContrast() {
    return (image, random) -> {
      double alpha = 0.8 + 0.4 * random.nextDouble();
      double beta = (-0.2 + 0.4 * random.nextDouble()) * 255;
      Mat out = new Mat();
      image.convertTo(out, CV_8U, alpha, beta);
      return out;
    };
  }

  /**
   * Krizhevsky's "fancy PCA" colour jitter: each pixel moves along the principal components of
   * the image's RGB colours by their eigenvalues times N(0, 0.1) draws.
   */
  public static Augmentation fancyPca() {
    return (image, random) -> {
      double[] mean = new double[3];
      double[][] cov = new double[3][3];
      long n = (long) image.rows() * image.cols();
      try (UByteIndexer px = image.createIndexer()) {
        for (int y = 0; y < image.rows(); y++) {
          for (int x = 0; x < image.cols(); x++) {
            for (int c = 0; c < 3; c++) {
              mean[c] += px.get(y, x, c) / 255.0;
            }
          }
        }
        for (int c = 0; c < 3; c++) {
          mean[c] /= n;
        }
        for (int y = 0; y < image.rows(); y++) {
          for (int x = 0; x < image.cols(); x++) {
            double[] v = new double[3];
            for (int c = 0; c < 3; c++) {
              v[c] = px.get(y, x, c) / 255.0 - mean[c];
            }
            for (int a = 0; a < 3; a++) {
              for (int b = 0; b < 3; b++) {
                cov[a][b] += v[a] * v[b];
              }
            }
          }
        }
      }
      double[] offset = new double[3];
      try (Mat covariance = new Mat(3, 3, CV_64F); Mat values = new Mat(); Mat vectors = new Mat()) {
        try (DoubleIndexer ci = covariance.createIndexer()) {
          for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
              ci.put(a, b, cov[a][b] / Math.max(1, n - 1));
            }
          }
        }
        eigen(covariance, values, vectors);
        try (DoubleIndexer vi = values.createIndexer(); DoubleIndexer ei = vectors.createIndexer()) {
          for (int k = 0; k < 3; k++) {
            double weight = random.nextGaussian() * 0.1 * vi.get(k);
            for (int c = 0; c < 3; c++) {
              offset[c] += ei.get(k, c) * weight; // eigenvectors are rows
            }
          }
        }
      }
      Mat out = new Mat();
      try (Mat wide = new Mat(); Scalar shift = new Scalar(offset[0] * 255, offset[1] * 255,
          offset[2] * 255, 0); Mat shiftMat = new Mat(image.rows(), image.cols(), CV_16SC3,
          shift)) {
        image.convertTo(wide, CV_16SC3);
        add(wide, shiftMat, wide);
        wide.convertTo(out, CV_8U);
      }
      return out;
    };
  }

  /** Hue shifted by up to 20 (of OpenCV's 180), saturation by 30 and value by 20 (of 255). */
  public static Augmentation hueSaturationValue() {
    return (image, random) -> {
      int hue = random.nextInt(41) - 20;
      int saturation = random.nextInt(61) - 30;
      int value = random.nextInt(41) - 20;
      try (Mat hsv = new Mat(); MatVector channels = new MatVector()) {
        cvtColor(image, hsv, COLOR_BGR2HSV);
        split(hsv, channels);
        int[] shifts = {hue, saturation, value};
        for (int c = 0; c < 3; c++) {
          try (Mat table = new Mat(1, 256, CV_8UC1); UByteIndexer t = table.createIndexer();
              Mat channel = channels.get(c)) {
            for (int i = 0; i < 256; i++) {
              int shifted = c == 0 ? Math.floorMod(i + shifts[c], 180)
                  : Math.max(0, Math.min(255, i + shifts[c]));
              t.put(0, i, shifted);
            }
            LUT(channel, table, channel);
          }
        }
        merge(channels, hsv);
        Mat out = new Mat();
        cvtColor(hsv, out, COLOR_HSV2BGR);
        return out;
      }
    };
  }

  /** Grey, kept as three equal channels. */
  public static Augmentation toGray() {
    return (image, random) -> {
      try (Mat gray = new Mat()) {
        cvtColor(image, gray, COLOR_BGR2GRAY);
        Mat out = new Mat();
        cvtColor(gray, out, COLOR_GRAY2BGR);
        return out;
      }
    };
  }

  /**
   * Shift by up to 10% of each side, scale by 0.8 to 1.2 and rotate by up to 10 degrees about
   * the centre, filling with black.
   */
  public static Augmentation shiftScaleRotate() {
    return (image, random) -> {
      double angle = -10 + 20 * random.nextDouble();
      double scale = 0.8 + 0.4 * random.nextDouble();
      double dx = (-0.1 + 0.2 * random.nextDouble()) * image.cols();
      double dy = (-0.1 + 0.2 * random.nextDouble()) * image.rows();
      Mat out = new Mat();
      try (Point2f centre = new Point2f(image.cols() / 2f, image.rows() / 2f);
          Mat matrix = getRotationMatrix2D(centre, angle, scale);
          DoubleIndexer m = matrix.createIndexer();
          Size size = new Size(image.cols(), image.rows()); Scalar black = Scalar.all(0)) {
        m.put(0, 2, m.get(0, 2) + dx);
        m.put(1, 2, m.get(1, 2) + dy);
        warpAffine(image, out, matrix, size, INTER_LINEAR, BORDER_CONSTANT, black);
      }
      return out;
    };
  }

  /**
   * Blacks out one face part: the eyes, the nose, the mouth, or the left or right half of the
   * face. The reference cut parts out along detected landmarks; no landmark model can be had
   * here, so the parts sit where they fall in a pipeline crop (the face box with 30% margins
   * centred in the square: the box spans 19% to 81% of each side), jittered by 3%.
   */
  public static Augmentation faceCutout() {
    // Parts as fractions of the face box: x, y, width, height.
    double[][] parts = {
        {0.12, 0.30, 0.76, 0.22}, // eyes
        {0.36, 0.40, 0.28, 0.32}, // nose
        {0.24, 0.68, 0.52, 0.22}, // mouth
        {0.0, 0.0, 0.5, 1.0},     // left half
        {0.5, 0.0, 0.5, 1.0},     // right half
    };
    return (image, random) -> {
      double[] part = parts[random.nextInt(parts.length)];
      double jitterX = (random.nextDouble() - 0.5) * 0.06;
      double jitterY = (random.nextDouble() - 0.5) * 0.06;
      int w = image.cols();
      int h = image.rows();
      int x = clamp((int) ((0.1875 + 0.625 * part[0] + jitterX) * w), w - 1);
      int y = clamp((int) ((0.1875 + 0.625 * part[1] + jitterY) * h), h - 1);
      int rw = Math.max(1, Math.min(w - x, (int) (0.625 * part[2] * w)));
      int rh = Math.max(1, Math.min(h - y, (int) (0.625 * part[3] * h)));
      Mat out = image.clone();
      try (Rect region = new Rect(x, y, rw, rh); Mat view = new Mat(out, region);
          Scalar black = Scalar.all(0)) {
        view.put(black);
      }
      return out;
    };
  }

  private static int clamp(int value, int max) {
    return Math.max(0, Math.min(max, value));
  }

  /** Draws {@code u} in [0, 1) to decide whether to apply an augmentation of probability p. */
  static boolean chance(SplittableRandom random, double p) {
    return random.nextDouble() < p;
  }
}
