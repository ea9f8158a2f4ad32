package dev.deepscreen.trainer.cli;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.strategy.ConfidentStrategy;
import dev.deepscreen.core.strategy.EnsembleStrategy;
import dev.deepscreen.core.strategy.Method;
import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.data.Folds;
import dev.deepscreen.trainer.eval.Evaluator;
import dev.deepscreen.trainer.eval.Metrics;
import dev.deepscreen.trainer.eval.Report;
import dev.deepscreen.trainer.train.TrainingData;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "evaluate", description = {
    "Scores a crop cache's faces with an exported ensemble, as the scoring stage does, and"
        + " combines them per video with the aggregation stage's strategy. Writes report.json,"
        + " report.md, roc.png, faces.csv and videos.csv."})
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--ensemble", required = true, description = "Ensemble folder (export).")
  Path ensemble;

  @Option(names = "--cache", required = true, description = "Crop cache made by preprocess.")
  Path cache;

  @Option(names = "--out", required = true, description = "Report folder.")
  Path out;

  @Option(names = "--split", description = "Evaluate this split's videos (default: test, if"
      + " the data set has one, else every video).")
  String split;

  @Option(names = "--folds", defaultValue = "0", description = "With --fold: evaluate a"
      + " validation fold as train assigns it (same --folds and --seed).")
  int folds;

  @Option(names = "--fold", defaultValue = "0", description = "The fold to evaluate.")
  int fold;

  @Option(names = "--seed", defaultValue = "7", description = "The training seed of the folds.")
  long seed;

  @Option(names = "--strategy", defaultValue = "CONFIDENT",
      description = "CONFIDENT, MEAN or PER_TRACK, as aggregate.strategy (default: ${DEFAULT-VALUE}).")
  Method method;

  @Option(names = "--threshold", defaultValue = "0.5",
      description = "Probability from which a face or video is called fake (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--clip", defaultValue = "1e-15",
      description = "Log-loss clipping of probabilities (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--batch-size", defaultValue = "32", description = "(default: ${DEFAULT-VALUE})")
  int batchSize;

  @Override
  public Integer call() throws Exception {
    List<CropCache.Entry> entries = CropCache.open(cache).entries();
    String subset;
    if (folds > 0) {
      List<CropCache.Entry> pool = entries.stream()
          .filter(e -> !TrainingData.TEST_SPLIT.equals(e.video().split())).toList();
      Map<String, Integer> assigned = Folds.assign(pool.stream().map(CropCache.Entry::video)
          .toList(), folds, seed);
      entries = pool.stream().filter(e -> assigned.get(e.video().id()) == fold).toList();
      subset = "fold " + fold + " of " + folds + " (seed " + seed + ")";
    } else {
      String wanted = split != null ? split
          : entries.stream().anyMatch(e -> TrainingData.TEST_SPLIT.equals(e.video().split()))
              ? TrainingData.TEST_SPLIT : null;
      if (wanted != null) {
        entries = entries.stream().filter(e -> wanted.equals(e.video().split())).toList();
        subset = "split " + wanted;
      } else {
        subset = "all videos";
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("No video in " + subset + " of " + cache);
    }
    EnsembleStrategy strategy = new EnsembleStrategy(method,
        ConfidentStrategy.DEFAULT_THRESHOLD);
    try (Ensemble loaded = Ensemble.load(ensemble)) {
      Evaluator.Scores scores = new Evaluator(loaded, strategy, batchSize)
          .score(entries, cli.out, cli.interactive);
      Report report = Report.of(loaded.version(), subset,
          method.name().toLowerCase(Locale.ROOT), scores, threshold, clip);
      report.write(out, scores);
      Metrics faces = report.faces().metrics();
      Metrics videos = report.videos().metrics();
      cli.out.printf(Locale.ROOT, "evaluate: %s, faces: log loss %.4f, AUC %.4f, accuracy"
          + " %.4f; videos: log loss %.4f, AUC %.4f, accuracy %.4f; report in %s%n", subset,
          faces.logLoss(), faces.auc(), faces.accuracy(), videos.logLoss(), videos.auc(),
          videos.accuracy(), out);
    }
    return 0;
  }
}
