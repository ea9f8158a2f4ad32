package dev.deepscreen.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

class TrainingGraphTest {

  static final int SIZE = 32;
  static final int BATCH = 8;

  static TrainingSettings settings(Optimizer optimizer, float rate) {
    return new TrainingSettings("small", SIZE, BATCH, 1, optimizer, rate, 0.9f, 1e-4f, 0.01f,
        0.9f, 0.9f, 0, false, false, false, 0, 0, 3, null);
  }

  /** Batches whose fakes are brighter in a centred square: learnable in a few steps. */
  static TFloat32[] batch(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[BATCH * SIZE * SIZE * 3];
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = i % 2;
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          boolean centre = x >= 8 && x < 24 && y >= 8 && y < 24;
          for (int c = 0; c < 3; c++) {
            pixels[((i * SIZE + y) * SIZE + x) * 3 + c] = (float) random.nextGaussian()
                + (centre && labels[i] > 0 ? 0.8f : 0);
          }
        }
      }
    }
    return new TFloat32[] {
        TFloat32.tensorOf(Shape.of(BATCH, SIZE, SIZE, 3), DataBuffers.of(pixels, true, false)),
        TFloat32.vectorOf(labels)};
  }

  @Test
  void aFewStepsLowerTheLossWithEitherOptimizer() {
    for (Optimizer optimizer : Optimizer.values()) {
      float rate = optimizer == Optimizer.SGD ? 0.05f : 0.003f;
      try (TrainingGraph graph = new TrainingGraph(settings(optimizer, rate), 2)) {
        graph.initialize();
        float first = 0;
        float last = 0;
        for (int step = 0; step < 30; step++) {
          TFloat32[] b = batch(step % 4);
          try (TFloat32 images = b[0]; TFloat32 labels = b[1]) {
            float loss = graph.train(images, labels, rate, step, 1);
            if (step < 4) {
              first += loss / 4;
            } else if (step >= 26) {
              last += loss / 4;
            }
          }
        }
        assertThat(last).as(optimizer.name()).isLessThan(first * 0.6f);
      }
    }
  }

  @Test
  void resumingFromACheckpointGivesExactlyTheUninterruptedRun(@TempDir Path dir) {
    float[] uninterrupted;
    try (TrainingGraph graph = new TrainingGraph(settings(Optimizer.SGD, 0.05f), 2)) {
      graph.initialize();
      for (int step = 0; step < 6; step++) {
        run(graph, step);
        if (step == 2) {
          graph.save(dir.resolve("ckpt"));
        }
      }
      uninterrupted = logits(graph);
    }
    try (TrainingGraph resumed = new TrainingGraph(settings(Optimizer.SGD, 0.05f), 2)) {
      resumed.restore(dir.resolve("ckpt"));
      for (int step = 3; step < 6; step++) {
        run(resumed, step);
      }
      assertThat(logits(resumed)).containsExactly(uninterrupted);
    }
  }

  private static void run(TrainingGraph graph, int step) {
    TFloat32[] b = batch(step);
    try (TFloat32 images = b[0]; TFloat32 labels = b[1]) {
      graph.train(images, labels, 0.05f, step, 9);
    }
  }

  private static float[] logits(TrainingGraph graph) {
    TFloat32[] b = batch(99);
    try (TFloat32 images = b[0]; TFloat32 labels = b[1]) {
      return graph.logits(images);
    }
  }
}
