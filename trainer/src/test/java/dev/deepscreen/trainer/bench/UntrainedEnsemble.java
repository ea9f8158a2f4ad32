package dev.deepscreen.trainer.bench;

import dev.deepscreen.trainer.export.EnsembleWriter;
import dev.deepscreen.trainer.train.Checkpoints;
import dev.deepscreen.trainer.train.Optimizer;
import dev.deepscreen.trainer.train.TrainingGraph;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Exports an ensemble of one freshly initialised model of a given architecture and input size,
 * through the trainer's own export: a model of the real size and graph for throughput
 * benchmarks, whose scores mean nothing. Run by {@code trainer/bench/untrained-ensemble.sh}.
 * Not a test.
 *
 * <p>Arguments: architecture (small, efficientnet-b0, ...), input size, output folder.
 */
public final class UntrainedEnsemble {

  public static void main(String[] args) throws Exception {
    String architecture = args[0];
    int size = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    TrainingSettings settings = new TrainingSettings(architecture, size, 8, 1, Optimizer.SGD,
        0.01f, 0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 0, false, false, false, 0, 0, 5, null);
    Path checkpoint = Files.createTempDirectory("untrained-");
    try (TrainingGraph graph = new TrainingGraph(settings, 0)) {
      graph.initialize();
      graph.save(Checkpoints.prefix(checkpoint));
    }
    EnsembleWriter.write(out, "untrained-" + architecture + "-" + size,
        List.of(EnsembleWriter.Member.trained(architecture, settings, checkpoint, 1.0)));
    System.out.println("wrote " + out);
  }
}
