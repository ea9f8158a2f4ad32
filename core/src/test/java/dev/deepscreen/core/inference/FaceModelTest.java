package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real TensorFlow session over a SavedModel this test exports with TensorFlow Java. */
class FaceModelTest {

  @TempDir
  static Path dir;
  private static Path model;

  @BeforeAll
  static void export() throws Exception {
    model = TinyModels.export(dir.resolve("tiny"), 8, 2.5f, -0.5f);
  }

  @Test
  void logitsAgreeWithTheModelsFunctionComputedByHand() {
    try (FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8)) {
      float[] logits = face.logits(TinyModels.uniformBatch(face, 0f, 0.25f, 0.5f));
      assertThat(logits).containsExactly(new float[] {-0.5f, 0.125f, 0.75f},
          org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void aModelThatDoesNotMatchItsManifestFailsToLoadWithTheReason() {
    assertThatThrownBy(() -> FaceModel.load("tiny", model, "serving_default", "image", "logit",
        16)).isInstanceOf(ModelException.class).hasMessage("Model tiny: input 'image' is"
            + " DT_FLOAT [-1, 8, 8, 3], expected DT_FLOAT [-1, 16, 16, 3] (NHWC, the manifest's"
            + " input size)");
    assertThatThrownBy(() -> FaceModel.load("tiny", model, "predict", "image", "logit", 8))
        .hasMessage("Model tiny has no signature 'predict'; it has [serving_default]");
    assertThatThrownBy(() -> FaceModel.load("tiny", model, "serving_default", "pixels", "logit",
        8)).hasMessage("Model tiny: signature 'serving_default' has no input 'pixels'; it has"
            + " [image]");
    assertThatThrownBy(() -> FaceModel.load("b0", dir.resolve("missing"), "serving_default",
        "image", "logit", 8)).hasMessageStartingWith("Model b0: no SavedModel at");
  }

  @Test
  void aProbabilityOrTwoClassOutputNeedsItsShape() {
    assertThatThrownBy(() -> FaceModel.load("tiny", model, "serving_default", "image", "logit",
        8, ScoreOutput.twoClass(1), InferenceOptions.CPU_DEFAULTS))
        .hasMessage("Model tiny: output 'logit' is DT_FLOAT [-1], expected DT_FLOAT [batch, 2]"
            + " for output_kind two_class_logits (fake class 1)");
  }

  @Test
  void aBatchOfAnotherSizeOrLayoutIsRefused() {
    try (FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8)) {
      assertThatThrownBy(() -> face.logits(new FaceBatch(1, 8, InputLayout.NCHW)))
          .hasMessage("Model tiny takes NHWC faces of 8 pixels, not NCHW of 8");
      assertThat(face.layout()).isEqualTo(InputLayout.NHWC);
      assertThat(face.scores(face.newBatch(1), true).heatmaps()).isEmpty();
    }
  }

  @Test
  void aClosedModelRefusesWork() {
    FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8);
    face.close();
    face.close();
    FaceBatch batch = face.newBatch(1);
    assertThatThrownBy(() -> face.logits(batch)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Model tiny is closed");
  }

  @Test
  void closingWhileStreamThreadsScoreLetsEveryCallFinishOrBeRefused() throws Exception {
    FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8);
    CloseWhileScoring.check(face, () -> TinyModels.uniformBatch(face, 0.5f, 0.5f),
        new float[] {0.75f, 0.75f}, 20, face::close);
  }
}
