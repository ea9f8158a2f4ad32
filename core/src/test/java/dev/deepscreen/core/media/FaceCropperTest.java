package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceCropperTest {

  private final FaceCropper cropper = new FaceCropper(380, 0.3);

  @Test
  void theRegionIsTheBoxPlusTheMarginClampedToTheFrame() {
    try (Rect inside = cropper.region(new FaceBox(200, 100, 100, 50, 1f), 640, 360);
        Rect atCorner = cropper.region(new FaceBox(10, 10, 100, 50, 1f), 640, 360);
        Rect atFarEdge = cropper.region(new FaceBox(600, 340, 40, 20, 1f), 640, 360)) {
      assertThat(new int[] {inside.x(), inside.y(), inside.width(), inside.height()})
          .containsExactly(170, 85, 160, 80);
      assertThat(new int[] {atCorner.x(), atCorner.y(), atCorner.width(), atCorner.height()})
          .containsExactly(0, 0, 140, 75);
      assertThat(new int[] {atFarEdge.x(), atFarEdge.y(), atFarEdge.width(), atFarEdge.height()})
          .containsExactly(588, 334, 52, 26);
    }
  }

  @Test
  void aWideCropIsEnlargedToTheFullWidthAndCentredVertically() {
    // Region 140x75 -> scale 380/140 -> 380x203 (truncated), padded 88 rows above, 89 below.
    try (Mat frame = new Mat(360, 640, opencv_core.CV_8UC3, new Scalar(200, 150, 100, 0));
        Mat crop = cropper.crop(frame, new FaceBox(10, 10, 100, 50, 1f));
        UByteIndexer pixels = crop.createIndexer()) {
      assertThat(crop.cols()).isEqualTo(380);
      assertThat(crop.rows()).isEqualTo(380);
      assertThat(pixels.get(87, 190, 0)).isZero();
      assertThat(pixels.get(88, 190, 0)).isEqualTo(200);
      assertThat(pixels.get(88 + 202, 190, 2)).isEqualTo(100);
      assertThat(pixels.get(88 + 203, 190, 0)).isZero();
      assertThat(pixels.get(200, 0, 1)).isEqualTo(150);
    }
  }

  @Test
  void aTallCropIsShrunkToTheFullHeightAndCentredHorizontally() {
    // Region 600x1000 -> scale 0.38 -> 228x380, padded 76 columns on each side.
    try (Mat frame = new Mat(1000, 600, opencv_core.CV_8UC3, new Scalar(50, 60, 70, 0));
        Mat square = cropper.toSquare(frame);
        UByteIndexer pixels = square.createIndexer()) {
      assertThat(pixels.get(190, 75, 0)).isZero();
      assertThat(pixels.get(190, 76, 0)).isEqualTo(50);
      assertThat(pixels.get(190, 76 + 227, 0)).isEqualTo(50);
      assertThat(pixels.get(190, 76 + 228, 0)).isZero();
    }
  }

  @Test
  void settingsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> new FaceCropper(0, 0.3)).hasMessage(
        "inputSize must be in [1, 4096]: 0");
    assertThatThrownBy(() -> new FaceCropper(380, -0.1)).hasMessage(
        "margin must be in [0, 2]: -0.1");
  }
}
