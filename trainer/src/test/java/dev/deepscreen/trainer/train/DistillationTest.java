package dev.deepscreen.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.deepscreen.core.inference.TinyModels;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.EagerSession;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class DistillationTest {

  @Test
  void theSoftTargetIsTheTeachersProbabilitySoftenedByTheTemperature() {
    assertThat(Teacher.softTarget(0.8, 1)).isCloseTo(0.8f, within(1e-6f));
    // sigmoid(ln(0.8 / 0.2) / 2) = sigmoid(ln 2) = 2 / 3
    assertThat(Teacher.softTarget(0.8, 2)).isCloseTo(2f / 3, within(1e-6f));
    assertThat(Teacher.softTarget(0.2, 2)).isCloseTo(1f / 3, within(1e-6f));
    assertThat(Teacher.softTarget(0.5, 7)).isEqualTo(0.5f);
    // 0 and 1 are clipped to 1e-7 from the ends: odds 1e7, softened to their square root.
    assertThat(Teacher.softTarget(1.0, 2)).isCloseTo((float) (1 - 1 / (1 + Math.sqrt(1e7 - 1))),
        within(1e-6f));
    assertThat(Teacher.softTarget(0.0, 1)).isCloseTo(1e-7f, within(1e-9f));
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new Distillation(" ", 0.5f, 2)).hasMessageContaining("teacher");
    assertThatThrownBy(() -> new Distillation("t", 0, 2)).hasMessageContaining("alpha in (0, 1]");
    assertThatThrownBy(() -> new Distillation("t", 1.5f, 2)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> new Distillation("t", 0.5f, 0.5f))
        .hasMessageContaining("temperature in [1, 100]");
    assertThatThrownBy(() -> new Distillation("t", Float.NaN, 2)).hasMessageContaining("alpha");
  }

  @Test
  void theDistillationTermIsTheSquaredTemperatureTimesTheDivergenceFromTheSoftTargets() {
    float[] logits = {2f, -1f, 0.5f};
    float[] soft = {0.75f, 0.1f, 0.5f};
    float temperature = 2;
    double expected = 0;
    for (int i = 0; i < logits.length; i++) {
      double p = 1 / (1 + Math.exp(-logits[i] / temperature));
      double q = soft[i];
      // KL(q || p) = q log(q / p) + (1 - q) log((1 - q) / (1 - p))
      expected += q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p));
    }
    expected = expected / logits.length * temperature * temperature;

    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      TFloat32 loss = TrainingGraph.distillationLoss(tf, tf.constant(logits), tf.constant(soft),
          temperature).asTensor();
      assertThat((double) loss.getFloat()).isCloseTo(expected, within(1e-5));
      // Zero when the softened student says what the teacher says.
      float[] agreeing = new float[soft.length];
      for (int i = 0; i < soft.length; i++) {
        agreeing[i] = (float) (temperature * Math.log(soft[i] / (1 - soft[i])));
      }
      assertThat(TrainingGraph.distillationLoss(tf, tf.constant(agreeing), tf.constant(soft),
          temperature).asTensor().getFloat()).isCloseTo(0f, within(1e-5f));
    }
  }

  @Test
  void theTeacherFeedsEachModelItsOwnInputAndAveragesTheirProbabilities(@TempDir Path dir)
      throws Exception {
    assertSoftTargets(dir, 1.0, 1.0);
  }

  @Test
  void theTeacherWeighsEachModelAsTheManifestSays(@TempDir Path dir) throws Exception {
    assertSoftTargets(dir, 3.0, 0.5);
  }

  /**
   * Two models of different input sizes (logit = weight * mean(normalised image) + bias) with
   * the given manifest weights: the soft target is their weighted mean through the temperature.
   */
  private static void assertSoftTargets(Path dir, double brightWeight, double darkWeight)
      throws Exception {
    TinyModels.export(dir.resolve("bright"), 16, 3f, -0.5f);
    TinyModels.export(dir.resolve("dark"), 24, -2f, 0.25f);
    TinyModels.writeManifest(dir, "teacher.1",
        TinyModels.manifestEntry("bright", "bright", 16, brightWeight),
        TinyModels.manifestEntry("dark", "dark", 24, darkWeight));
    // Colours on which the two models disagree, so that their weights matter.
    double[][] bgr = {{230, 200, 180}, {10, 60, 250}};
    float temperature = 3;

    try (Teacher teacher = Teacher.load(new Distillation(dir.toString(), 0.5f, temperature), 1)) {
      Teacher.Inputs inputs = teacher.inputs(2);
      assertThat(teacher.describe()).isEqualTo("teacher.1 (bright, dark)");
      for (int i = 0; i < bgr.length; i++) {
        // A 20x20 face: resized to 16 for one model and to 24 for the other.
        try (Scalar colour = new Scalar(bgr[i][0], bgr[i][1], bgr[i][2], 0);
            Mat face = new Mat(20, 20, CV_8UC3, colour)) {
          inputs.add(i, face);
        }
      }
      try (TFloat32 soft = inputs.softTargets()) {
        for (int i = 0; i < bgr.length; i++) {
          double mean = normalisedMean(bgr[i]);
          double bright = sigmoid(3 * mean - 0.5);
          double dark = sigmoid(-2 * mean + 0.25);
          double p = (brightWeight * bright + darkWeight * dark) / (brightWeight + darkWeight);
          assertThat(Math.abs(bright - dark)).as("face %d: the models disagree", i)
              .isGreaterThan(0.2);
          assertThat(soft.getFloat(i)).as("face %d", i)
              .isCloseTo(Teacher.softTarget(p, temperature), within(1e-5f));
        }
      }
    }
  }

  @Test
  void aMissingTeacherIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> Teacher.load(new Distillation(missing.toString(), 0.5f, 2), 1))
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
  }

  /** The mean over pixels and RGB channels of a flat BGR colour, ImageNet-normalised. */
  private static double normalisedMean(double[] bgr) {
    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};
    double sum = 0;
    for (int c = 0; c < 3; c++) {
      sum += (bgr[2 - c] / 255 - mean[c]) / std[c];
    }
    return sum / 3;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
