package dev.deepscreen.trainer.train;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;

/** Changes a training face before it is normalised: augmentation. */
@FunctionalInterface
public interface CropTransform {

  /**
   * A new image made from {@code bgr} (8-bit BGR, left untouched), which the caller closes.
   * Every random choice comes from {@code random}.
   */
  Mat apply(Mat bgr, SplittableRandom random);
}
