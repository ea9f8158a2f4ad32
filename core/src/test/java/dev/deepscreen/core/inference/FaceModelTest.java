package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

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
    try (FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8);
        TFloat32 batch = TFloat32.tensorOf(Shape.of(3, 8, 8, 3))) {
      for (int i = 0; i < 3; i++) {
        float value = i * 0.25f;
        batch.get(i).scalars().forEach(pixel -> pixel.setFloat(value));
      }
      float[] logits = face.logits(batch);
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
  void aClosedModelRefusesWork() {
    FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8);
    face.close();
    face.close();
    try (TFloat32 batch = TFloat32.tensorOf(Shape.of(1, 8, 8, 3))) {
      assertThatThrownBy(() -> face.logits(batch)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closingWhileStreamThreadsScoreLetsEveryCallFinishOrBeRefused() throws Exception {
    FaceModel face = FaceModel.load("tiny", model, "serving_default", "image", "logit", 8);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch running = new CountDownLatch(threads);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(() -> {
        int calls = 0;
        try (TFloat32 batch = TFloat32.tensorOf(Shape.of(2, 8, 8, 3))) {
          batch.scalars().forEach(pixel -> pixel.setFloat(0.5f));
          while (true) {
            float[] logits;
            try {
              logits = face.logits(batch);
            } catch (IllegalStateException e) {
              assertThat(e).hasMessage("Model tiny is closed");
              return calls;
            }
            // A call that returns ran on a live session: its answer is the model's.
            assertThat(logits).containsExactly(new float[] {0.75f, 0.75f},
                org.assertj.core.data.Offset.offset(1e-6f));
            if (++calls == 20) {
              running.countDown();
            }
          }
        }
      }));
    }
    assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
    face.close();
    for (Future<Integer> worker : workers) {
      assertThat(worker.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20);
    }
    pool.shutdown();
  }
}
