package dev.deepscreen.streams.bench;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.streams.score.FaceScorer;
import dev.deepscreen.streams.score.TestCrops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What heatmaps cost the scoring pass: crops per second with and without them, in the same run,
 * the two interleaved round by round so that the load of a shared machine weighs on both alike.
 * Two levels: the models over prepared tensors ({@code model}), and the stage's scorer without
 * Kafka ({@code scorer}: JPEG decoding, preprocessing, models, heatmap quantisation). Run by
 * {@code streams/bench/heatmaps.sh}. Not a test.
 *
 * <p>Arguments: ensemble directory (or {@code builtin}), rounds, seconds per round and way, then
 * batch sizes.
 */
public final class HeatmapBenchmark {

  public static void main(String[] args) throws Exception {
    String source = args[0];
    int rounds = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    try (Ensemble ensemble = source.equals("builtin")
        ? BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS) : Ensemble.load(Path.of(source))) {
      int cropSize = ensemble.members().get(0).spec().inputSize();
      List<byte[]> faces = TestCrops.realFaces(cropSize);
      System.out.printf("ensemble %s (%s), explains %s, crops %dpx, cores %d%n",
          ensemble.version(), ensemble.members().stream().map(m -> m.spec().name() + "@"
              + m.spec().inputSize()).toList(), ensemble.members().stream()
              .map(m -> m.model().explains()).toList(), cropSize,
          Runtime.getRuntime().availableProcessors());
      for (int i = 3; i < args.length; i++) {
        int batch = Integer.parseInt(args[i]);
        List<FaceBatch> inputs = inputs(ensemble, faces, batch);
        List<FaceCrop> crops = new ArrayList<>();
        UUID event = UUID.randomUUID();
        for (int c = 0; c < batch; c++) {
          crops.add(TestCrops.crop(event, c, 0, faces.get(c % faces.size()), cropSize));
        }
        FaceScorer with = new FaceScorer(ensemble, true);
        FaceScorer without = new FaceScorer(ensemble, false);
        Runnable modelWith = () -> models(ensemble, inputs, true);
        Runnable modelWithout = () -> models(ensemble, inputs, false);
        Runnable scorerWith = () -> with.score(crops);
        Runnable scorerWithout = () -> without.score(crops);
        for (Runnable warmUp : List.of(modelWith, modelWithout, scorerWith, scorerWithout)) {
          for (int w = 0; w < 3; w++) {
            warmUp.run();
          }
        }
        double[] model = interleaved(modelWithout, modelWith, batch, rounds, seconds);
        double[] scorer = interleaved(scorerWithout, scorerWith, batch, rounds, seconds);
        System.out.printf("batch=%d model: without=%.1f with=%.1f ratio=%.3f median=%.3f"
            + " per_cpu_s without=%.1f with=%.1f ratio=%.3f%n", batch, model[0], model[1],
            model[1] / model[0], model[2], model[3], model[4], model[4] / model[3]);
        System.out.printf("batch=%d scorer: without=%.1f with=%.1f ratio=%.3f median=%.3f"
            + " per_cpu_s without=%.1f with=%.1f ratio=%.3f%n", batch, scorer[0], scorer[1],
            scorer[1] / scorer[0], scorer[2], scorer[3], scorer[4], scorer[4] / scorer[3]);
      }
    }
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /**
   * Crops per second of {@code a} and {@code b} over {@code rounds} rounds of each in turn (the
   * order alternating), and the median over the rounds of the ratio of {@code b} to {@code a}
   * within a round: on a shared machine the load changes from second to second, and the
   * median of paired rounds resists it better than the totals. Then crops per CPU-second of
   * this process (all its threads, TensorFlow's included), which other processes' load
   * disturbs least.
   */
  private static double[] interleaved(Runnable a, Runnable b, int batch, int rounds,
      double seconds) {
    long[] runs = new long[2];
    long[] nanos = new long[2];
    long[] cpu = new long[2];
    double[] ratios = new double[rounds];
    Runnable[] ways = {a, b};
    for (int round = 0; round < rounds; round++) {
      double[] rate = new double[2];
      for (int w = 0; w < 2; w++) {
        int way = round % 2 == 0 ? w : 1 - w;
        long start = System.nanoTime();
        long cpuStart = OS.getProcessCpuTime();
        long n = 0;
        do {
          ways[way].run();
          n++;
        } while (System.nanoTime() - start < seconds * 1e9);
        long took = System.nanoTime() - start;
        cpu[way] += OS.getProcessCpuTime() - cpuStart;
        runs[way] += n;
        nanos[way] += took;
        rate[way] = n / (double) took;
      }
      ratios[round] = rate[1] / rate[0];
    }
    java.util.Arrays.sort(ratios);
    double median = rounds % 2 == 1 ? ratios[rounds / 2]
        : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
    return new double[] {runs[0] * batch / (nanos[0] / 1e9), runs[1] * batch / (nanos[1] / 1e9),
        median, runs[0] * batch / (cpu[0] / 1e9), runs[1] * batch / (cpu[1] / 1e9)};
  }

  private static void models(Ensemble ensemble, List<FaceBatch> inputs, boolean heatmaps) {
    for (int m = 0; m < inputs.size(); m++) {
      ensemble.members().get(m).model().scores(inputs.get(m), heatmaps);
    }
  }

  private static List<FaceBatch> inputs(Ensemble ensemble, List<byte[]> faces, int batch) {
    List<FaceBatch> inputs = new ArrayList<>();
    for (Ensemble.Member member : ensemble.members()) {
      int size = member.preprocessor().inputSize();
      FaceBatch input = member.newBatch(batch);
      for (int i = 0; i < batch; i++) {
        try (Mat face = FacePreprocessor.decode(faces.get(i % faces.size()), size, size)) {
          member.preprocessor().write(face, input, i);
        }
      }
      inputs.add(input);
    }
    return inputs;
  }
}
