package dev.deepscreen.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Precision and recall of the default detector on the 22 labelled faces of the demo photos, at
 * full resolution and scaled to the widths of the video sizes the pipeline meets. A detection
 * matches a labelled face when their intersection over union is at least 0.5.
 */
class FaceDetectorTest {

  private static FaceDetector detector;
  private static final Map<String, List<FaceBox>> LABELS = FacePhotos.labelledFaces();

  @BeforeAll
  static void loadDetector() {
    detector = FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS);
  }

  @AfterAll
  static void closeDetector() {
    detector.close();
  }

  @ParameterizedTest(name = "photos {0} px wide")
  @ValueSource(ints = {1920, 1280, 640})
  void findsTheLabelledFacesWithHighPrecisionAndRecall(int width) {
    int truePositives = 0;
    int detections = 0;
    int labelled = 0;
    for (String name : FacePhotos.NAMES) {
      try (Mat photo = FacePhotos.read(name); Mat scaled = new Mat();
          Size size = new Size(width, photo.rows() * width / photo.cols())) {
        resize(photo, scaled, size, 0, 0, INTER_AREA);
        double scale = (double) width / photo.cols();
        List<FaceBox> found = detector.detect(scaled);
        List<FaceBox> expected = new ArrayList<>(LABELS.get(name).stream()
            .map(b -> new FaceBox((int) (b.x() * scale), (int) (b.y() * scale),
                (int) (b.width() * scale), (int) (b.height() * scale), 1f)).toList());
        labelled += expected.size();
        detections += found.size();
        for (FaceBox face : found) {
          FaceBox match = expected.stream().filter(e -> e.iou(face) >= 0.5).findFirst()
              .orElse(null);
          if (match != null) {
            expected.remove(match);
            truePositives++;
          }
        }
      }
    }
    double precision = (double) truePositives / detections;
    double recall = (double) truePositives / labelled;
    System.out.printf("face detector at %d px: %d labelled, %d found, %d matched: precision %.3f,"
        + " recall %.3f%n", width, labelled, detections, truePositives, precision, recall);
    assertThat(labelled).isEqualTo(22);
    assertThat(precision).isGreaterThanOrEqualTo(0.95);
    assertThat(recall).isGreaterThanOrEqualTo(width >= 1280 ? 0.95 : 0.85);
  }

  @Test
  void aBlankFrameHasNoFace() {
    try (Mat grey = new Mat(360, 640, opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0))) {
      assertThat(detector.detect(grey)).isEmpty();
    }
  }

  @Test
  void refusesImagesThatAreNotBgrAndUseAfterClose() {
    try (Mat grey = new Mat(10, 10, opencv_core.CV_8UC1)) {
      assertThatThrownBy(() -> detector.detect(grey)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the detector takes a non-empty 8-bit BGR image");
    }
    FaceDetector closed = FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS);
    closed.close();
    closed.close();
    try (Mat image = new Mat(10, 10, opencv_core.CV_8UC3)) {
      assertThatThrownBy(() -> closed.detect(image)).isInstanceOf(IllegalStateException.class);
    }
  }
}
