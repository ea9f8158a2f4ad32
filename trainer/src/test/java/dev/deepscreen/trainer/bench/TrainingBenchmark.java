package dev.deepscreen.trainer.bench;

import dev.deepscreen.trainer.train.Optimizer;
import dev.deepscreen.trainer.train.TrainingGraph;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Faces per second of a training step and of inference for each model given, at one input
 * size and batch size, on random images: the cost of the network alone, without reading or
 * augmenting faces. Median of {@code runs} timings of {@code steps} steps after a warm-up. Not a
 * test; see BENCHMARKS.md.
 *
 * <p>Arguments: input size, batch size, steps, runs, threads, then model ids.
 */
public final class TrainingBenchmark {
  public static void main(String[] args) {
    int size = Integer.parseInt(args[0]);
    int batch = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    for (int m = 5; m < args.length; m++) {
      TrainingSettings settings = new TrainingSettings(args[m], size, batch, 1, Optimizer.SGD,
          0.01f, 0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 0, 0, 1, null);
      try (TrainingGraph graph = new TrainingGraph(settings, threads);
          TFloat32 images = images(batch, size); TFloat32 labels = labels(batch)) {
        graph.initialize();
        long[] step = {0};
        double train = median(runs, steps, () -> graph.train(images, labels, 0.01f,
            step[0]++, 1));
        double infer = median(runs, steps, () -> graph.logits(images));
        System.out.printf("%s size=%d batch=%d params=%d train_faces_per_s=%.1f"
            + " inference_faces_per_s=%.1f%n", args[m], size, batch, graph.parameterCount(),
            batch / train, batch / infer);
      }
    }
  }

  private static double median(int runs, int steps, Runnable step) {
    step.run();
    List<Double> seconds = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        step.run();
      }
      seconds.add((System.nanoTime() - start) / 1e9 / steps);
    }
    Collections.sort(seconds);
    return seconds.get(seconds.size() / 2);
  }

  private static TFloat32 images(int batch, int size) {
    SplittableRandom random = new SplittableRandom(1);
    float[] pixels = new float[batch * size * size * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    return TFloat32.tensorOf(Shape.of(batch, size, size, 3), DataBuffers.of(pixels, true, false));
  }

  private static TFloat32 labels(int batch) {
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = i % 2;
    }
    return TFloat32.vectorOf(labels);
  }
}
