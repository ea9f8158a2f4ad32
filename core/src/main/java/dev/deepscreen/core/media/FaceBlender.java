package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2Lab;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_Lab2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Makes fake faces in a photo, in place, the two ways the trainer's synthetic data set and the
 * demo's sample clips use.
 *
 * <ul>
 *   <li><b>Self-blended image</b>, after Shiohara and Yamasaki (CVPR 2022): a copy of the face,
 *       jittered in colour (brightness, contrast, per-channel shift) and in geometry (scale,
 *       shift, a small rotation), blended back over the same face through a soft face mask with
 *       a random blend ratio. What remains are the traces every face manipulation leaves: a
 *       blending boundary and a colour or sharpness mismatch inside it, without identity cues.
 *   <li><b>Face swap</b>: another person's face, resized to the target box, its colours matched
 *       to the target's in Lab space (Reinhard's transfer of mean and standard deviation), blended
 *       over the target through the same kind of mask.
 * </ul>
 *
 * <p>The mask is an ellipse inside the face box with random axes, softened by a Gaussian blur of
 * random width: no landmark model can be had here, and an ellipse covers the face's inner region
 * as the landmark hull of the paper does. Every random choice comes from the caller's generator,
 * so a seed gives the same result.
 */
public final class FaceBlender {

  /** Blend ratios of the paper: mostly full replacement, sometimes partial. */
  private static final double[] BLEND_RATIOS = {0.25, 0.5, 0.75, 1, 1, 1};

  private FaceBlender() {}

  /** The region around {@code face} that a manipulation may change: the box grown by 20%. */
  public static Rect region(FaceBox face, int photoWidth, int photoHeight) {
    int padX = face.width() / 5;
    int padY = face.height() / 5;
    int x1 = Math.max(0, face.x() - padX);
    int y1 = Math.max(0, face.y() - padY);
    int x2 = Math.min(photoWidth, face.right() + padX);
    int y2 = Math.min(photoHeight, face.bottom() + padY);
    return new Rect(x1, y1, x2 - x1, y2 - y1);
  }

  /** Replaces {@code face} in {@code photo} (8-bit BGR) by a self-blended copy of itself. */
  public static void selfBlend(Mat photo, FaceBox face, SplittableRandom random) {
    try (Rect roi = region(face, photo.cols(), photo.rows());
        Mat view = new Mat(photo, roi);
        Mat target = new Mat(); Mat source = new Mat()) {
      view.convertTo(target, CV_32F);
      try (Mat jittered = colourJitter(target, random)) {
        warpJitter(jittered, source, random);
      }
      blend(view, source, target, faceMask(roi, face, random), ratio(random));
    }
  }

  /**
   * Replaces {@code face} in {@code photo} by {@code donor}'s face from {@code donorPhoto}, both
   * 8-bit BGR.
   */
  public static void swap(Mat photo, FaceBox face, Mat donorPhoto, FaceBox donor,
      SplittableRandom random) {
    try (Rect roi = region(face, photo.cols(), photo.rows());
        Rect donorRoi = region(donor, donorPhoto.cols(), donorPhoto.rows());
        Mat view = new Mat(photo, roi);
        Mat donorView = new Mat(donorPhoto, donorRoi);
        Mat resized = new Mat(); Mat target = new Mat(); Mat source = new Mat();
        Size size = new Size(roi.width(), roi.height())) {
      boolean shrinking = donorRoi.width() > roi.width();
      resize(donorView, resized, size, 0, 0, shrinking ? INTER_AREA : INTER_CUBIC);
      try (Mat matched = matchColours(resized, view)) {
        matched.convertTo(source, CV_32F);
      }
      view.convertTo(target, CV_32F);
      // Swaps replace the whole inner face: a ratio below 1 would show two faces at once.
      blend(view, source, target, faceMask(roi, face, random), 1.0);
    }
  }

  private static double ratio(SplittableRandom random) {
    return BLEND_RATIOS[random.nextInt(BLEND_RATIOS.length)];
  }

  /** Brightness, contrast and per-channel shift, as float BGR. */
  private static Mat colourJitter(Mat image, SplittableRandom random) {
    double contrast = uniform(random, 0.85, 1.15);
    double brightness = uniform(random, -18, 18);
    Mat out = new Mat();
    image.convertTo(out, CV_32F, contrast, brightness);
    try (Scalar shift = new Scalar(uniform(random, -12, 12), uniform(random, -12, 12),
        uniform(random, -12, 12), 0)) {
      try (Mat shiftMat = new Mat(out.rows(), out.cols(), CV_32FC3, shift)) {
        add(out, shiftMat, out);
      }
    }
    return out;
  }

  /** Scale by up to 5%, shift by up to 3% of the side and rotate by up to 3 degrees. */
  private static void warpJitter(Mat image, Mat out, SplittableRandom random) {
    double scale = uniform(random, 0.95, 1.05);
    double angle = uniform(random, -3, 3);
    try (Point2f centre = new Point2f(image.cols() / 2f, image.rows() / 2f);
        Mat matrix = getRotationMatrix2D(centre, angle, scale);
        DoubleIndexer m = matrix.createIndexer()) {
      m.put(0, 2, m.get(0, 2) + uniform(random, -0.03, 0.03) * image.cols());
      m.put(1, 2, m.get(1, 2) + uniform(random, -0.03, 0.03) * image.rows());
      try (Size size = image.size(); Scalar black = new Scalar(0, 0, 0, 0)) {
        warpAffine(image, out, matrix, size, INTER_LINEAR, BORDER_REFLECT, black);
      }
    }
  }

  /** A soft elliptic mask in [0, 1] over the face, in region coordinates, one float channel. */
  static Mat faceMask(Rect roi, FaceBox face, SplittableRandom random) {
    Mat mask;
    try (Scalar zero = Scalar.all(0)) {
      mask = new Mat(roi.height(), roi.width(), CV_32F, zero);
    }
    int cx = face.x() + face.width() / 2 - roi.x();
    int cy = face.y() + face.height() / 2 - roi.y();
    int ax = (int) Math.max(2, face.width() / 2.0 * uniform(random, 0.7, 0.92));
    int ay = (int) Math.max(2, face.height() / 2.0 * uniform(random, 0.78, 0.98));
    try (Point centre = new Point(cx, cy); Size axes = new Size(ax, ay);
        Scalar one = Scalar.all(1)) {
      ellipse(mask, centre, axes, 0, 0, 360, one, FILLED, 8, 0);
    }
    int kernel = (int) (Math.min(ax, ay) * uniform(random, 0.15, 0.5)) | 1;
    try (Size k = new Size(kernel, kernel)) {
      GaussianBlur(mask, mask, k, 0);
    }
    return mask;
  }

  /** {@code view = target + (source - target) * mask * ratio}, written back as 8 bits. */
  private static void blend(Mat view, Mat source, Mat target, Mat mask, double ratio) {
    try (mask; Mat mask3 = new Mat(); Mat diff = new Mat(); Mat out = new Mat()) {
      cvtColor(mask, mask3, COLOR_GRAY2BGR);
      subtract(source, target, diff);
      multiply(diff, mask3, diff, ratio, -1);
      add(target, diff, out);
      out.convertTo(view, CV_8U);
    }
  }

  /** {@code image}'s colours moved to {@code reference}'s mean and spread per Lab channel. */
  private static Mat matchColours(Mat image, Mat reference) {
    try (Mat lab = new Mat(); Mat refLab = new Mat(); Mat labF = new Mat();
        Mat mean = new Mat(); Mat std = new Mat(); Mat refMean = new Mat(); Mat refStd = new Mat()) {
      cvtColor(image, lab, COLOR_BGR2Lab);
      cvtColor(reference, refLab, COLOR_BGR2Lab);
      meanStdDev(lab, mean, std);
      meanStdDev(refLab, refMean, refStd);
      lab.convertTo(labF, CV_32F);
      try (DoubleIndexer m = mean.createIndexer(); DoubleIndexer s = std.createIndexer();
          DoubleIndexer rm = refMean.createIndexer(); DoubleIndexer rs = refStd.createIndexer()) {
        double[] gain = new double[3];
        double[] offset = new double[3];
        for (int c = 0; c < 3; c++) {
          gain[c] = rs.get(c) / Math.max(1e-3, s.get(c));
          offset[c] = rm.get(c) - m.get(c) * gain[c];
        }
        try (Scalar g = new Scalar(gain[0], gain[1], gain[2], 0);
            Scalar o = new Scalar(offset[0], offset[1], offset[2], 0);
            Mat gainMat = new Mat(labF.rows(), labF.cols(), CV_32FC3, g);
            Mat offsetMat = new Mat(labF.rows(), labF.cols(), CV_32FC3, o)) {
          multiply(labF, gainMat, labF);
          add(labF, offsetMat, labF);
        }
      }
      Mat lab8 = new Mat();
      labF.convertTo(lab8, CV_8U);
      Mat out = new Mat();
      try (lab8) {
        cvtColor(lab8, out, COLOR_Lab2BGR);
      }
      return out;
    }
  }

  /** A number drawn uniformly from [from, to), for the callers' own jitter. */
  public static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }
}
