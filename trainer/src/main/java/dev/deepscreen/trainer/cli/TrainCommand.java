package dev.deepscreen.trainer.cli;

import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.train.Distillation;
import dev.deepscreen.trainer.train.Optimizer;
import dev.deepscreen.trainer.train.Trainer;
import dev.deepscreen.trainer.train.TrainingSettings;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.pretrained.PyTorchImport;
import dev.deepscreen.trainer.pretrained.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "train", description = {
    "Trains one model on a crop cache's faces (all but the test split; with folds, one fold"
        + " validates). Writes a checkpoint per epoch into the run folder; run it again with"
        + " the same options to resume."})
final class TrainCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--cache", required = true, description = "Crop cache made by preprocess.")
  Path cache;

  @Option(names = "--run", required = true, description = "Run folder (new, or one to resume).")
  Path run;

  @Option(names = "--model", defaultValue = "small",
      description = "small, or efficientnet-b0 .. efficientnet-b7 (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--input-size", description = "Network input side (default: 128 for small,"
      + " the paper's resolution for EfficientNets; the reference used 380).")
  Integer inputSize;

  @Option(names = "--batch-size", defaultValue = "32", description = "(default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "30", description = "(default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--optimizer", defaultValue = "sgd",
      description = "sgd (Nesterov momentum) or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "0.01",
      description = "Initial learning rate, poly schedule (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--momentum", defaultValue = "0.9", description = "(default: ${DEFAULT-VALUE})")
  float momentum;

  @Option(names = "--weight-decay", defaultValue = "1e-4",
      description = "(default: ${DEFAULT-VALUE})")
  float weightDecay;

  @Option(names = "--label-smoothing", defaultValue = "0.01",
      description = "(default: ${DEFAULT-VALUE})")
  float labelSmoothing;

  @Option(names = "--bn-momentum", defaultValue = "0.9",
      description = "Weight of the old value in batch norm's moving averages"
          + " (default: ${DEFAULT-VALUE}).")
  float bnMomentum;

  @Option(names = "--poly-power", defaultValue = "0.9",
      description = "(default: ${DEFAULT-VALUE})")
  float polyPower;

  @Option(names = "--patience", defaultValue = "5", description = "Epochs without a better"
      + " validation loss before stopping; 0 never stops early (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Augment the training faces (default: ${DEFAULT-VALUE}).")
  boolean augment;

  @Option(names = "--self-blend", negatable = true, defaultValue = "false",
      fallbackValue = "true", description = "Also train on a self-blended fake of every real"
          + " face, made afresh each epoch (default: ${DEFAULT-VALUE}).")
  boolean selfBlend;

  @Option(names = "--balance", negatable = true, defaultValue = "false",
      fallbackValue = "true", description = "Each epoch, every real face and as many fakes"
          + " drawn afresh (default: ${DEFAULT-VALUE}).")
  boolean balance;

  @Option(names = "--folds", defaultValue = "5",
      description = "Folds of the training pool, 0 for no validation (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--fold", defaultValue = "0",
      description = "The validation fold (default: ${DEFAULT-VALUE}).")
  int fold;

  @Option(names = "--seed", defaultValue = "7", description = "(default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--teacher", description = "Distil from this ensemble folder (ensemble.json"
      + " and its SavedModels, as export writes it): the loss also pulls each face towards the"
      + " teacher's softened probability.")
  Path teacher;

  @Option(names = "--distill-alpha", defaultValue = "0.5", description = "With --teacher: the"
      + " weight of the teacher's soft targets in the loss, in (0, 1] (default: ${DEFAULT-VALUE}).")
  float distillAlpha;

  @Option(names = "--distill-temperature", defaultValue = "2", description = "With --teacher:"
      + " the temperature softening the teacher's probabilities, at least 1"
      + " (default: ${DEFAULT-VALUE}).")
  float distillTemperature;

  @Option(names = "--init-from", description = "Start from a PyTorch checkpoint of timm's"
      + " tf_efficientnet family (the ImageNet weights the reference started from, such as"
      + " tf_efficientnet_b7_ns-1dbc32de.pth) or a DeepFakeClassifier of the reference, of the"
      + " same size as --model. The one-logit head starts fresh when the file has none.")
  Path initFrom;

  @Option(names = "--freeze-until", description = "With --init-from: keep the network up to"
      + " and including this part as it is (stem, block1 .. block7, top) and train the rest"
      + " and the head; frozen batch norms keep their statistics.")
  String freezeUntil;

  @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads, 0 for one"
      + " per core; resume with the same number for identical results (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws Exception {
    int size = inputSize != null ? inputSize
        : model.equals("small") ? 128
        : dev.deepscreen.trainer.model.Architecture.parse(model).resolution();
    TrainingSettings settings = new TrainingSettings(
        dev.deepscreen.trainer.model.Architecture.parse(model).id(), size, batchSize, epochs,
        Optimizer.parse(optimizer), learningRate, momentum, weightDecay, labelSmoothing,
        bnMomentum, polyPower, patience, augment, selfBlend, balance, folds, fold, seed,
        teacher == null ? null : new Distillation(teacher.toAbsolutePath().normalize().toString(),
            distillAlpha, distillTemperature));
    if (freezeUntil != null && initFrom == null) {
      throw new IllegalArgumentException("--freeze-until needs --init-from: frozen random"
          + " layers would learn nothing");
    }
    if (initFrom != null) {
      if (!Files.isRegularFile(initFrom)) {
        throw new IllegalArgumentException("No checkpoint at " + initFrom);
      }
      settings = settings.withPretrained(new TrainingSettings.Pretrained(
          initFrom.toAbsolutePath().normalize().toString(), Sha256.of(initFrom)),
          freezeUntil);
    }
    Trainer trainer = new Trainer(settings, threads,
        dev.deepscreen.trainer.augment.Augmenter.reference(size), cli.out, cli.interactive);
    if (initFrom != null) {
      // Checked now, before the run folder is made, so that a file of another network leaves
      // no run behind; read again when a new run starts (a resumed one does not need it).
      Architecture architecture = settings.architecture();
      PyTorchImport.checkInitialParameters(initFrom, architecture, cli.out);
      trainer.startingFrom(() -> PyTorchImport.initialParameters(initFrom, architecture));
    }
    long started = System.nanoTime();
    Trainer.Outcome outcome = trainer.train(CropCache.open(cache), run);
    cli.out.printf("train: %d epochs, best epoch %d (validation loss %.4f) in %s, %.0f s%n",
        outcome.state().epoch(), outcome.state().bestEpoch(), outcome.state().bestLoss(),
        outcome.best(), (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
