package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heatmaps from real TensorFlow sessions: a tiny class-activation model exported with the
 * trainer's Grad-CAM signature, a model without it and the built-in ensemble (ONNX models: see
 * {@link OnnxFaceModelTest}).
 */
class FaceModelHeatmapTest {

  private static final int SIZE = 32;
  private static final int CELL = 8;
  private static final int GRID = SIZE / CELL;

  @TempDir
  static Path dir;
  private static Path cam;

  @BeforeAll
  static void export() throws Exception {
    cam = TinyModels.exportWithCam(dir.resolve("cam"), SIZE, CELL, new float[] {1f, 2f, 3f},
        -0.25f);
  }

  /** One face, zero everywhere but {@code value} in the grid cell {@code (cx, cy)}. */
  private static FaceBatch litCell(FaceClassifier model, int cx, int cy, float value) {
    FaceBatch batch = model.newBatch(1);
    float[] face = new float[SIZE * SIZE * 3];
    for (int y = cy * CELL; y < (cy + 1) * CELL; y++) {
      for (int x = cx * CELL; x < (cx + 1) * CELL; x++) {
        for (int c = 0; c < 3; c++) {
          face[(y * SIZE + x) * 3 + c] = value;
        }
      }
    }
    batch.put(0, face);
    return batch;
  }

  @Test
  void activationInOneCornerLightsThatCornerOfTheHeatmap() {
    try (FaceModel model = FaceModel.load("cam", cam, "serving_default", "image", "logit",
        SIZE)) {
      assertThat(model.explains()).isTrue();
      FaceBatch batch = model.newBatch(2);
      batch.put(0, flat(litCell(model, 0, 0, 1f)));
      batch.put(1, flat(litCell(model, GRID - 1, GRID - 1, 0.5f)));

      Scores scores = model.scores(batch, true);

      // CAM of the lit cell: sum_c w_c * value = 6 * value, zero elsewhere; the logit is its
      // mean over the grid plus the bias.
      assertThat(scores.logits()).containsExactly(new float[] {6f / 16 - 0.25f,
          3f / 16 - 0.25f}, Offset.offset(1e-5f));
      assertThat(scores.logits()).containsExactly(model.logits(batch), Offset.offset(1e-6f));
      assertThat(scores.heatmaps()).hasSize(2);
      Heatmap topLeft = scores.heatmaps().get(0);
      Heatmap bottomRight = scores.heatmaps().get(1);
      assertThat(topLeft.width()).isEqualTo(GRID);
      assertThat(topLeft.height()).isEqualTo(GRID);
      assertThat(topLeft.max()).isCloseTo(6f, Offset.offset(1e-4f));
      assertThat(bottomRight.max()).isCloseTo(3f, Offset.offset(1e-4f));
      for (int y = 0; y < GRID; y++) {
        for (int x = 0; x < GRID; x++) {
          assertThat(topLeft.cell(x, y)).as("top-left face, cell (%d, %d)", x, y)
              .isEqualTo(x == 0 && y == 0 ? 255 : 0);
          assertThat(bottomRight.cell(x, y)).as("bottom-right face, cell (%d, %d)", x, y)
              .isEqualTo(x == GRID - 1 && y == GRID - 1 ? 255 : 0);
        }
      }
    }
  }

  @Test
  void withoutBeingAskedTheModelAnswersLogitsAlone() {
    try (FaceModel model = FaceModel.load("cam", cam, "serving_default", "image", "logit",
        SIZE)) {
      Scores scores = model.scores(litCell(model, 1, 2, 1f), false);
      assertThat(scores.heatmaps()).isEmpty();
      assertThat(scores.logits()).containsExactly(new float[] {6f / 16 - 0.25f},
          Offset.offset(1e-5f));
    }
  }

  @Test
  void aModelWithoutAGradCamSignatureGivesNoHeatmapAndNoError() throws Exception {
    Path plain = TinyModels.export(dir.resolve("plain"), SIZE, 2f, 0f);
    try (FaceModel model = FaceModel.load("plain", plain, "serving_default", "image", "logit",
        SIZE)) {
      assertThat(model.explains()).isFalse();
      Scores scores = model.scores(TinyModels.uniformBatch(model, 0.5f, 1f), true);
      assertThat(scores.heatmaps()).isEmpty();
      assertThat(scores.logits()).containsExactly(new float[] {1f, 2f}, Offset.offset(1e-6f));
    }
  }

  @Test
  void theBuiltInEnsembleExplainsItselfOnItsLastBlocksGrid() {
    try (Ensemble ensemble = BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS)) {
      FaceClassifier model = ensemble.members().get(0).model();
      assertThat(model.explains()).isTrue();
      FaceBatch batch = TinyModels.uniformBatch(model, -1f, 0.3f);

      Scores scores = model.scores(batch, true);

      assertThat(scores.logits()).containsExactly(model.logits(batch), Offset.offset(1e-5f));
      assertThat(scores.heatmaps()).hasSize(2).allSatisfy(h -> {
        // 128-pixel input, four stride-2 convolutions: an 8x8 grid.
        assertThat(h.width()).isEqualTo(8);
        assertThat(h.height()).isEqualTo(8);
      });
    }
  }

  @Test
  void aClosedModelRefusesHeatmapsToo() {
    FaceModel model = FaceModel.load("cam", cam, "serving_default", "image", "logit", SIZE);
    FaceBatch batch = litCell(model, 0, 0, 1f);
    model.close();
    assertThatThrownBy(() -> model.scores(batch, true)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Model cam is closed");
  }

  private static float[] flat(FaceBatch one) {
    return java.util.Arrays.copyOf(one.values(), one.values().length);
  }
}
