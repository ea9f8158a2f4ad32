package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.extractChannel;
import static org.bytedeco.opencv.global.opencv_core.mean;

import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceBlenderTest {

  private static final List<FaceBox> FACES = FacePhotos.labelledFaces().get("sample1.jpg");

  @Test
  void selfBlendingChangesTheFaceOnlyAndDependsOnlyOnTheSeed() {
    FaceBox face = FACES.get(0);
    try (Mat photo = FacePhotos.read("sample1.jpg"); Mat a = photo.clone(); Mat b = photo.clone();
        Mat c = photo.clone()) {
      // Seeds giving a visible change: the blend ratio is random and may be as low as 0.25.
      FaceBlender.selfBlend(a, face, new SplittableRandom(12));
      FaceBlender.selfBlend(b, face, new SplittableRandom(12));
      FaceBlender.selfBlend(c, face, new SplittableRandom(13));

      assertThat(changedPixels(a, b)).isZero();
      assertThat(changedPixels(a, c)).isPositive();
      try (Rect region = FaceBlender.region(face, photo.cols(), photo.rows())) {
        assertThat(changedPixelsOutside(photo, a, region)).isZero();
      }
      try (Rect inner = new Rect(face.x() + face.width() / 3, face.y() + face.height() / 3,
          face.width() / 3, face.height() / 3)) {
        assertThat(meanDifference(photo, a, inner)).isGreaterThan(2);
      }
    }
  }

  @Test
  void aSwapPutsTheDonorsFaceInWithTheTargetsColours() {
    FaceBox face = FACES.get(1);
    FaceBox donorFace = FacePhotos.labelledFaces().get("sample3.jpg").get(0);
    try (Mat photo = FacePhotos.read("sample1.jpg"); Mat donor = FacePhotos.read("sample3.jpg");
        Mat swapped = photo.clone()) {
      FaceBlender.swap(swapped, face, donor, donorFace, new SplittableRandom(5));
      try (Rect region = FaceBlender.region(face, photo.cols(), photo.rows());
          Rect inner = new Rect(face.x() + face.width() / 3, face.y() + face.height() / 3,
              face.width() / 3, face.height() / 3)) {
        assertThat(changedPixelsOutside(photo, swapped, region)).isZero();
        assertThat(meanDifference(photo, swapped, inner)).isGreaterThan(3);
        // Colour transfer: the swapped region's mean colour stays near the target's.
        try (Mat before = new Mat(photo, region); Mat after = new Mat(swapped, region);
            Scalar m0 = mean(before); Scalar m1 = mean(after)) {
          for (int ch = 0; ch < 3; ch++) {
            assertThat(Math.abs(m0.get(ch) - m1.get(ch))).isLessThan(20);
          }
        }
      }
    }
  }

  private static int changedPixels(Mat a, Mat b) {
    try (Mat diff = new Mat(); Mat gray = new Mat()) {
      absdiff(a, b, diff);
      int changed = 0;
      for (int ch = 0; ch < 3; ch++) {
        extractChannel(diff, gray, ch);
        changed += countNonZero(gray);
      }
      return changed;
    }
  }

  private static int changedPixelsOutside(Mat before, Mat after, Rect region) {
    try (Mat a = before.clone(); Mat b = after.clone(); Mat va = new Mat(a, region);
        Mat vb = new Mat(b, region); Scalar zero = Scalar.all(0)) {
      va.put(zero);
      vb.put(zero);
      return changedPixels(a, b);
    }
  }

  private static double meanDifference(Mat before, Mat after, Rect region) {
    try (Mat a = new Mat(before, region); Mat b = new Mat(after, region); Mat diff = new Mat()) {
      absdiff(a, b, diff);
      try (Scalar m = mean(diff)) {
        return (m.get(0) + m.get(1) + m.get(2)) / 3;
      }
    }
  }
}
