package dev.deepscreen.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FaceModel;
import dev.deepscreen.core.inference.Heatmap;
import dev.deepscreen.core.inference.Scores;
import dev.deepscreen.trainer.train.Checkpoints;
import dev.deepscreen.trainer.train.Optimizer;
import dev.deepscreen.trainer.train.TrainingGraph;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

class ExportParityTest {

  static final int SIZE = 32;
  static final TrainingSettings SETTINGS = new TrainingSettings("small", SIZE, 8, 1,
      Optimizer.SGD, 0.05f, 0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 0, 0, 5, null);

  @TempDir
  static Path dir;
  static float[] trainedLogits;

  /** Trains a few steps so that weights and moving averages are far from their start. */
  @BeforeAll
  static void trainAndExport() throws Exception {
    try (TrainingGraph graph = new TrainingGraph(SETTINGS, 2)) {
      graph.initialize();
      for (int step = 0; step < 5; step++) {
        try (TFloat32 images = images(step, 8); TFloat32 labels = TFloat32.vectorOf(0, 1, 0, 1,
            0, 1, 0, 1)) {
          graph.train(images, labels, 0.05f, step, 1);
        }
      }
      Files.createDirectories(dir.resolve("ckpt"));
      graph.save(Checkpoints.prefix(dir.resolve("ckpt")));
      try (TFloat32 probe = images(100, 6)) {
        trainedLogits = graph.logits(probe);
      }
    }
    EnsembleWriter.write(dir.resolve("ensemble"), "test-1",
        List.of(EnsembleWriter.Member.trained("small-fold0", SETTINGS, dir.resolve("ckpt"), 1.0)));
  }

  static TFloat32 images(long seed, int batch) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[batch * SIZE * SIZE * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    return TFloat32.tensorOf(Shape.of(batch, SIZE, SIZE, 3), DataBuffers.of(pixels, true, false));
  }

  @Test
  void theScorersEnsembleLoaderAcceptsTheExportAndReproducesTheTrainingGraph() {
    EnsembleManifest manifest = EnsembleManifest.read(dir.resolve("ensemble"));
    assertThat(manifest.version()).isEqualTo("test-1");
    assertThat(manifest.models()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("small-fold0");
      assertThat(m.inputSize()).isEqualTo(SIZE);
      assertThat(m.mean()).containsExactly(0.485f, 0.456f, 0.406f);
      assertThat(m.output()).isEqualTo("logit");
    });
    try (Ensemble ensemble = Ensemble.load(dir.resolve("ensemble"));
        TFloat32 probe = images(100, 6)) {
      FaceBatch faces = ensemble.members().get(0).newBatch(6);
      float[] pixels = new float[6 * SIZE * SIZE * 3];
      probe.copyTo(DataBuffers.of(pixels, false, false));
      for (int i = 0; i < 6; i++) {
        faces.put(i, Arrays.copyOfRange(pixels, i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3));
      }
      float[] served = ensemble.members().get(0).model().logits(faces);
      assertThat(served).hasSize(6);
      for (int i = 0; i < served.length; i++) {
        assertThat(served[i]).isCloseTo(trainedLogits[i], org.assertj.core.data.Offset.offset(
            1e-5f));
      }
      // The trained model separates its inputs: parity is not two constant outputs agreeing.
      assertThat(served[0]).isNotEqualTo(served[1]);
    }
  }

  @Test
  void theScorerTakesTheGradCamGridOfTheExportInTheSameRunAsTheLogit() {
    Path model = dir.resolve("ensemble/small-fold0");
    int grid = SIZE / 16;
    try (FaceModel face = FaceModel.load("small-fold0", model, "serving_default", "image",
        "logit", SIZE); SavedModelBundle bundle = SavedModelBundle.load(model.toString(),
        SavedModelBundle.DEFAULT_TAG); TFloat32 probe = images(100, 3);
        Result gradcam = bundle.function("gradcam").call(Map.of("image", probe))) {
      assertThat(face.explains()).isTrue();
      FaceBatch batch = face.newBatch(3);
      float[] pixels = new float[3 * SIZE * SIZE * 3];
      probe.copyTo(DataBuffers.of(pixels, false, false));
      for (int i = 0; i < 3; i++) {
        batch.put(i, Arrays.copyOfRange(pixels, i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3));
      }

      Scores scores = face.scores(batch, true);

      assertThat(scores.logits()).containsExactly(face.logits(batch),
          org.assertj.core.data.Offset.offset(1e-5f));
      TFloat32 exported = (TFloat32) gradcam.get("heatmap").orElseThrow();
      for (int i = 0; i < 3; i++) {
        Heatmap heatmap = scores.heatmaps().get(i);
        assertThat(heatmap.width()).isEqualTo(grid);
        assertThat(heatmap.height()).isEqualTo(grid);
        // The export's map is this grid resized bilinearly (corners not aligned, so pixel
        // (16 y, 16 x) is cell (x, y) exactly) and divided by its maximum.
        for (int y = 0; y < grid; y++) {
          for (int x = 0; x < grid; x++) {
            float expected = heatmap.max() == 0 ? 0 : heatmap.value(x, y) / heatmap.max();
            assertThat(exported.getFloat(i, y * 16, x * 16)).as("face %d cell (%d, %d)", i, x, y)
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1 / 500f));
          }
        }
      }
    }
  }

  @Test
  void servesProbabilitiesAndAGradCamHeatmap() {
    try (SavedModelBundle bundle = SavedModelBundle.load(
        dir.resolve("ensemble/small-fold0").toString(), SavedModelBundle.DEFAULT_TAG);
        TFloat32 probe = images(100, 3);
        Result serving = bundle.function("serving_default").call(Map.of("image", probe));
        Result gradcam = bundle.function("gradcam").call(Map.of("image", probe))) {
      TFloat32 logit = (TFloat32) serving.get("logit").orElseThrow();
      TFloat32 probability = (TFloat32) serving.get("probability").orElseThrow();
      for (int i = 0; i < 3; i++) {
        double expected = 1 / (1 + Math.exp(-logit.getFloat(i)));
        assertThat((double) probability.getFloat(i)).isCloseTo(expected,
            org.assertj.core.data.Offset.offset(1e-6));
      }
      Tensor heatmap = gradcam.get("heatmap").orElseThrow();
      assertThat(heatmap.shape()).isEqualTo(Shape.of(3, SIZE, SIZE));
      TFloat32 map = (TFloat32) heatmap;
      for (int i = 0; i < 3; i++) {
        float max = 0;
        float min = 1;
        for (int y = 0; y < SIZE; y++) {
          for (int x = 0; x < SIZE; x++) {
            max = Math.max(max, map.getFloat(i, y, x));
            min = Math.min(min, map.getFloat(i, y, x));
          }
        }
        assertThat(min).isGreaterThanOrEqualTo(0f);
        assertThat(max).isBetween(0f, 1.0001f);
      }
    }
  }

  @Test
  void refusesToWriteIntoAFolderThatHoldsFiles() {
    assertThatThrownBy(() -> EnsembleWriter.write(dir.resolve("ensemble"), "x",
        List.of(EnsembleWriter.Member.trained("m", SETTINGS, dir.resolve("ckpt"), 1.0))))
        .hasMessageContaining("is not empty");
  }
}
