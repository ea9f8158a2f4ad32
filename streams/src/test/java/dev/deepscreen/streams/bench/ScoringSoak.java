package dev.deepscreen.streams.bench;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.streams.score.FaceScorer;
import dev.deepscreen.streams.score.TestCrops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Resident memory of the process while the scorer runs many inferences: JPEG decoding, OpenCV
 * images, input tensors and TensorFlow results, each of which must be closed. Prints the RSS
 * and the committed Java heap every {@code every} crops; a native leak shows as RSS growing
 * steadily while the committed heap does not. Run by
 * {@code streams/bench/scoring-soak.sh}. Not a test.
 *
 * <p>Arguments: ensemble directory (or {@code builtin}), crops in all, batch size, report every.
 */
public final class ScoringSoak {

  public static void main(String[] args) throws Exception {
    long total = Long.parseLong(args[1]);
    int batch = Integer.parseInt(args[2]);
    long every = Long.parseLong(args[3]);
    try (Ensemble ensemble = args[0].equals("builtin")
        ? BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS) : Ensemble.load(Path.of(args[0]))) {
      int size = ensemble.members().get(0).spec().inputSize();
      List<byte[]> faces = TestCrops.realFaces(size);
      List<FaceCrop> crops = new ArrayList<>();
      UUID event = UUID.randomUUID();
      for (int i = 0; i < batch; i++) {
        crops.add(TestCrops.crop(event, i, 0, faces.get(i % faces.size()), size));
      }
      FaceScorer scorer = new FaceScorer(ensemble);
      long start = System.nanoTime();
      System.out.printf("crops=0 rss_mib=%d heap_committed_mib=%d%n", rssMib(), heapMib());
      long next = every;
      for (long done = 0; done < total; done += batch) {
        for (FaceScorer.Outcome outcome : scorer.score(crops)) {
          if (outcome.failed()) {
            throw new IllegalStateException("scoring failed", outcome.failure());
          }
        }
        if (done + batch >= next) {
          System.out.printf("crops=%d rss_mib=%d heap_committed_mib=%d elapsed_s=%.0f%n", done + batch,
              rssMib(), heapMib(), (System.nanoTime() - start) / 1e9);
          next += every;
        }
      }
    }
  }

  private static long rssMib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  /** The Java heap the JVM has taken from the system: part of the RSS that is not native. */
  private static long heapMib() {
    return Runtime.getRuntime().totalMemory() >> 20;
  }
}
