package dev.deepscreen.trainer.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.extractChannel;
import static org.bytedeco.opencv.global.opencv_core.mean;

import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FacePhotos;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each augmentation on a real face crop made as the pipeline makes them. */
class AugmentationsTest {

  static Mat crop;

  @BeforeAll
  static void crop() {
    FaceBox face = FacePhotos.labelledFaces().get("sample1.jpg").get(0);
    try (Mat photo = FacePhotos.read("sample1.jpg")) {
      crop = new FaceCropper(128, 0.3).crop(photo, face);
    }
  }

  @AfterAll
  static void close() {
    crop.close();
  }

  static SplittableRandom random(long seed) {
    return new SplittableRandom(seed);
  }

  @Test
  void everyAugmentationIsReproducibleFromItsSeedAndKeepsTheImageFormat() {
    List<Augmentation> all = List.of(Augmentations.imageCompression(),
        Augmentations.gaussianNoise(), Augmentations.gaussianBlur(),
        Augmentations.horizontalFlip(), Augmentations.isotropicResize(128),
        Augmentations.padToSquare(128), Augmentations.brightnessContrast(),
        Augmentations.fancyPca(), Augmentations.hueSaturationValue(), Augmentations.toGray(),
        Augmentations.shiftScaleRotate(), Augmentations.faceCutout());
    for (Augmentation augmentation : all) {
      try (Mat a = augmentation.apply(crop, random(1)); Mat b = augmentation.apply(crop, random(1))) {
        assertThat(a.cols()).isEqualTo(128);
        assertThat(a.rows()).isEqualTo(128);
        assertThat(a.channels()).isEqualTo(3);
        assertThat(differingValues(a, b)).isZero();
      }
    }
    // Resizing and padding a crop already of the input size leave it as it is.
    for (Augmentation augmentation : all.subList(0, 4)) {
      try (Mat a = augmentation.apply(crop, random(1))) {
        assertThat(differingValues(a, crop)).isPositive();
      }
    }
    for (Augmentation augmentation : all.subList(6, all.size())) {
      try (Mat a = augmentation.apply(crop, random(1))) {
        assertThat(differingValues(a, crop)).isPositive();
      }
    }
  }

  @Test
  void compressionLosesLittle() {
    try (Mat out = Augmentations.imageCompression().apply(crop, random(2))) {
      assertThat(meanAbsoluteDifference(out, crop)).isBetween(0.1, 6.0);
    }
  }

  @Test
  void noiseHasTheDrawnSpread() {
    try (Mat out = Augmentations.gaussianNoise().apply(crop, random(3))) {
      // Spread sqrt(10..50) = 3.2..7.1 per value; a mean absolute difference of 0.8 sigma.
      assertThat(meanAbsoluteDifference(out, crop)).isBetween(2.0, 6.5);
    }
  }

  @Test
  void flipMirrorsEachRow() {
    try (Mat out = Augmentations.horizontalFlip().apply(crop, random(4));
        UByteIndexer a = out.createIndexer(); UByteIndexer b = crop.createIndexer()) {
      assertThat(a.get(40, 3, 1)).isEqualTo(b.get(40, 124, 1));
      assertThat(a.get(77, 100, 2)).isEqualTo(b.get(77, 27, 2));
    }
  }

  @Test
  void isotropicResizeAndPadBringAnyShapeToTheSquare() {
    try (Rect wide = new Rect(0, 30, 128, 60); Mat strip = new Mat(crop, wide);
        Mat resized = Augmentations.isotropicResize(64).apply(strip, random(5));
        Mat padded = Augmentations.padToSquare(64).apply(resized, random(5))) {
      assertThat(resized.cols()).isEqualTo(64);
      assertThat(resized.rows()).isEqualTo(30);
      assertThat(padded.cols()).isEqualTo(64);
      assertThat(padded.rows()).isEqualTo(64);
      try (UByteIndexer p = padded.createIndexer()) {
        assertThat(p.get(0, 32, 0)).isZero(); // padding: 17 rows of black above
        assertThat(p.get(63, 32, 1)).isZero();
      }
    }
  }

  @Test
  void colourAugmentationsMoveTheColoursGrayMakesChannelsEqual() {
    for (Augmentation colour : List.of(Augmentations.brightnessContrast(),
        Augmentations.fancyPca(), Augmentations.hueSaturationValue())) {
      try (Mat out = colour.apply(crop, random(6))) {
        assertThat(meanAbsoluteDifference(out, crop)).isGreaterThan(0.5);
      }
    }
    try (Mat gray = Augmentations.toGray().apply(crop, random(7));
        UByteIndexer g = gray.createIndexer()) {
      for (int y = 0; y < 128; y += 13) {
        for (int x = 0; x < 128; x += 11) {
          assertThat(g.get(y, x, 0)).isEqualTo(g.get(y, x, 1)).isEqualTo(g.get(y, x, 2));
        }
      }
    }
  }

  @Test
  void shiftScaleRotateMovesTheContent() {
    try (Mat out = Augmentations.shiftScaleRotate().apply(crop, random(8))) {
      assertThat(meanAbsoluteDifference(out, crop)).isGreaterThan(5);
    }
  }

  @Test
  void cutoutBlacksOutOneFacePartInsideTheFaceBox() {
    int blackened = 0;
    for (long seed = 0; seed < 10; seed++) {
      try (Mat out = Augmentations.faceCutout().apply(crop, random(seed));
          Mat changed = new Mat(); Mat one = new Mat()) {
        absdiff(out, crop, changed);
        extractChannel(changed, one, 0);
        int count = countNonZero(one);
        assertThat(count).isPositive().isLessThan(128 * 128 / 2);
        blackened += count;
        // Outside the face box region (19%..81% of the side, jittered 3%) nothing changes.
        try (Rect top = new Rect(0, 0, 128, 20); Mat band = new Mat(one, top)) {
          assertThat(countNonZero(band)).isZero();
        }
      }
    }
    assertThat(blackened).isPositive();
  }

  @Test
  void theReferencePipelineAppliesEachStepAtItsRate() {
    Augmenter reference = Augmenter.reference(128);
    assertThat(reference.steps()).extracting(Augmenter.Step::name, Augmenter.Step::p)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("image compression", 0.5),
            org.assertj.core.groups.Tuple.tuple("gaussian noise", 0.1),
            org.assertj.core.groups.Tuple.tuple("gaussian blur", 0.05),
            org.assertj.core.groups.Tuple.tuple("horizontal flip", 0.5),
            org.assertj.core.groups.Tuple.tuple("isotropic resize", 1.0),
            org.assertj.core.groups.Tuple.tuple("pad to square", 1.0),
            org.assertj.core.groups.Tuple.tuple("colour", 0.7),
            org.assertj.core.groups.Tuple.tuple("to gray", 0.2),
            org.assertj.core.groups.Tuple.tuple("shift scale rotate", 0.5),
            org.assertj.core.groups.Tuple.tuple("face cut-out", 0.3));
    // A flip-only pipeline flips about half of 400 images, and the same seeds agree.
    List<Boolean> flipped = new ArrayList<>();
    Augmenter flip = new Augmenter(List.of(new Augmenter.Step("flip", 0.5,
        List.of(Augmentations.horizontalFlip()))));
    for (long seed = 0; seed < 400; seed++) {
      try (Mat out = flip.apply(crop, random(seed))) {
        flipped.add(differingValues(out, crop) > 0);
      }
    }
    long count = flipped.stream().filter(f -> f).count();
    assertThat(count).isBetween(160L, 240L);
    try (Mat a = reference.apply(crop, random(11)); Mat b = reference.apply(crop, random(11))) {
      assertThat(a.cols()).isEqualTo(128);
      assertThat(differingValues(a, b)).isZero();
    }
  }

  private static int differingValues(Mat a, Mat b) {
    try (Mat diff = new Mat(); Mat channel = new Mat()) {
      absdiff(a, b, diff);
      int count = 0;
      for (int c = 0; c < 3; c++) {
        extractChannel(diff, channel, c);
        count += countNonZero(channel);
      }
      return count;
    }
  }

  private static double meanAbsoluteDifference(Mat a, Mat b) {
    try (Mat diff = new Mat()) {
      absdiff(a, b, diff);
      try (Scalar m = mean(diff)) {
        return (m.get(0) + m.get(1) + m.get(2)) / 3;
      }
    }
  }
}
