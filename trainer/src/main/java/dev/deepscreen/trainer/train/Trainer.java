package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.trainer.FileTrees;
import dev.deepscreen.trainer.CsvTable;
import dev.deepscreen.trainer.Progress;
import dev.deepscreen.trainer.Seeds;
import dev.deepscreen.trainer.data.CropCache;
import dev.deepscreen.trainer.eval.Chart;
import dev.deepscreen.trainer.eval.Metrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tensorflow.types.TFloat32;

/**
 * Trains one model on a crop cache into a run folder, one checkpoint per epoch, and resumes an
 * interrupted run from its last checkpoint with the same result as an uninterrupted one (same
 * settings and thread count): each epoch's order, each face's augmentation and each step's
 * dropout derive from the seed and their position only.
 *
 * <p>Run folder:
 * <pre>
 * run.json                       the settings (a resumed run must be given the same)
 * log.csv, loss.png              per-epoch losses and validation figures, and their curve
 * checkpoints/epoch-NNNN/        TensorFlow checkpoint (model.*) and state.json, the last two kept
 * checkpoints/best/              the epoch with the lowest validation loss (the last without)
 * </pre>
 *
 * <p>The learning rate follows the poly schedule {@code lr * (1 - step / steps) ^ power} over
 * all planned steps. Training stops early after {@code patience} epochs without a lower
 * validation loss.
 */
public final class Trainer {

  /** How a call to {@link #train} ended. */
  public record Outcome(RunState state, Path best) {}

  private static final int KEPT_EPOCHS = 2;
  private static final double PROBABILITY_CLIP = 1e-7;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final TrainingSettings settings;
  private final int threads;
  private final CropTransform augmentation;
  private final PrintStream out;
  private final boolean interactive;
  private InitialParameters initial;

  /** Parameter values a new run starts from, read when the run starts. */
  @FunctionalInterface
  public interface InitialParameters {
    /** The values by parameter name; those it leaves out keep their random start. */
    java.util.Map<String, float[]> read() throws IOException;
  }

  /**
   * @param threads TensorFlow's threads (0: one per core); a resumed run is identical only with
   *     the same number
   * @param augmentation applied to training faces when the settings ask for it
   */
  public Trainer(TrainingSettings settings, int threads, CropTransform augmentation,
      PrintStream out, boolean interactive) {
    this.settings = settings;
    this.threads = threads;
    this.augmentation = augmentation;
    this.out = out;
    this.interactive = interactive;
  }

  /**
   * Starts a new run from {@code parameters} (pretrained weights) instead of random values; a
   * resumed run continues from its checkpoint and does not read them.
   */
  public Trainer startingFrom(InitialParameters parameters) {
    this.initial = parameters;
    return this;
  }

  /** Trains, or resumes, the run in {@code runFolder} on {@code cache}'s faces. */
  public Outcome train(CropCache cache, Path runFolder) throws IOException {
    Files.createDirectories(runFolder.resolve("checkpoints"));
    checkSettings(runFolder);
    TrainingData data = TrainingData.of(cache, cache.entries(), settings);
    out.printf("train: %s at %d px, %d faces of %d videos, validation %d faces of %d videos%n",
        settings.model(), settings.inputSize(), data.train().size(), data.trainVideos(),
        data.validation().size(), data.validationVideos());
    int epochSize = settings.balance() ? 2 * (int) data.train().stream()
        .filter(s -> s.target() == 0).count() : data.train().size();
    int stepsPerEpoch = Math.max(1, epochSize / settings.batchSize());
    long totalSteps = (long) stepsPerEpoch * settings.epochs();
    FaceBatches trainBatches = new FaceBatches(settings.inputSize(),
        settings.augment() ? augmentation : null);
    FaceBatches plainBatches = new FaceBatches(settings.inputSize(), null);

    Distillation distillation = settings.distillation();
    // Closed in reverse order: the loader stops before the teacher it may be running is closed.
    try (TrainingGraph graph = new TrainingGraph(settings, threads);
        Teacher teacher = distillation == null ? null : Teacher.load(distillation, threads);
        BatchLoader loader = new BatchLoader()) {
      if (teacher != null) {
        out.printf("train: distilling from %s at %s, alpha %.2f, temperature %.1f%n",
            distillation.teacher(), teacher.describe(), distillation.alpha(),
            distillation.temperature());
      }
      RunState state = resume(graph, runFolder);
      if (state.stopped()) {
        out.printf("train: the run in %s is complete (epoch %d, best %d)%n", runFolder,
            state.epoch(), state.bestEpoch());
        return new Outcome(state, best(runFolder));
      }
      List<EpochRecord> history = new ArrayList<>(state.history());
      while (state.epoch() < settings.epochs() && !state.stopped()) {
        int epoch = state.epoch() + 1;
        long started = System.nanoTime();
        List<FaceBatches.Sample> order = epochOrder(data.train(), epoch);
        Progress progress = new Progress(out, String.format("epoch %d/%d", epoch,
            settings.epochs()), stepsPerEpoch, interactive);
        double lossSum = 0;
        long step = state.steps();
        double rate = settings.learningRate();
        loader.prepare(() -> batch(trainBatches, teacher, order, epoch, 0, stepsPerEpoch));
        for (int b = 0; b < stepsPerEpoch; b++) {
          Batch batch = loader.take();
          if (b + 1 < stepsPerEpoch) {
            int following = b + 1;
            loader.prepare(() -> batch(trainBatches, teacher, order, epoch, following,
                stepsPerEpoch));
          }
          rate = settings.learningRate() * Math.pow(Math.max(0, 1 - (double) step / totalSteps),
              settings.polyPower());
          try (batch) {
            lossSum += graph.train(batch.images(), batch.targets(), batch.softTargets(),
                (float) rate, step, settings.seed());
          }
          step++;
          progress.update(b + 1, String.format("loss %.4f  lr %.2e", lossSum / (b + 1), rate));
        }
        double[] validation = validate(graph, plainBatches, data.validation());
        EpochRecord record = new EpochRecord(epoch, step, rate, lossSum / stepsPerEpoch,
            validation[0], validation[1], validation[2], (System.nanoTime() - started) / 1e9);
        history.add(record);
        state = nextState(state, record, step, history);
        saveEpoch(graph, runFolder, state);
        writeLog(runFolder, history);
        out.printf("epoch %d/%d: train loss %.4f, validation loss %.4f, AUC %.4f,"
            + " accuracy %.4f (%.0f s)%s%n", epoch, settings.epochs(), record.trainLoss(),
            record.validationLoss(), record.validationAuc(), record.validationAccuracy(),
            record.seconds(), state.bestEpoch() == epoch ? "  best" : "");
        if (state.stopped() && epoch < settings.epochs()) {
          out.printf("train: stopping early, no better validation loss for %d epochs%n",
              settings.patience());
        }
      }
      return new Outcome(state, best(runFolder));
    }
  }

  /**
   * The faces of an epoch in the order they train: all of them shuffled, or with balancing
   * every real face and as many fakes drawn afresh, shuffled. Depends on the seed and epoch only.
   */
  List<FaceBatches.Sample> epochOrder(List<FaceBatches.Sample> train, int epoch) {
    List<FaceBatches.Sample> order;
    if (settings.balance()) {
      List<FaceBatches.Sample> fakes = new ArrayList<>(train.stream()
          .filter(s -> s.target() != 0).toList());
      order = new ArrayList<>(train.stream().filter(s -> s.target() == 0).toList());
      Collections.shuffle(fakes, new Random(Seeds.mix(settings.seed(), 0xFA4E, epoch)));
      order.addAll(fakes.subList(0, Math.min(fakes.size(), order.size())));
    } else {
      order = new ArrayList<>(train);
    }
    Collections.shuffle(order, new Random(Seeds.mix(settings.seed(), 0x5EED, epoch)));
    return order;
  }

  /** One training step's tensors; the soft targets are null without distillation. */
  private record Batch(TFloat32 images, TFloat32 targets, TFloat32 softTargets)
      implements AutoCloseable {
    @Override
    public void close() {
      images.close();
      targets.close();
      if (softTargets != null) {
        softTargets.close();
      }
    }
  }

  /**
   * Prepares the next batch on its own thread while the current one trains. Closing it waits
   * for a batch in preparation (it may be running the teacher) and frees one never taken.
   */
  private static final class BatchLoader implements AutoCloseable {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "batch-loader");
      t.setDaemon(true);
      return t;
    });
    private Future<Batch> pending;

    /** Starts preparing the batch that {@link #take} returns next. */
    void prepare(Callable<Batch> task) {
      pending = executor.submit(task);
    }

    /** The batch prepared last, once ready; the caller closes it. */
    Batch take() throws IOException {
      try {
        Batch batch = pending.get();
        pending = null;
        return batch;
      } catch (InterruptedException e) {
        // Still pending: close() waits for it and frees it.
        Thread.currentThread().interrupt();
        throw new IOException("Training was interrupted; run it again to resume", e);
      } catch (ExecutionException e) {
        pending = null;
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() {
      executor.shutdownNow();
      // Waits even when interrupted: the batch in preparation may be running native code (the
      // teacher) whose memory is freed right after this returns.
      boolean interrupted = false;
      while (true) {
        try {
          if (executor.awaitTermination(10, TimeUnit.MINUTES)) {
            break;
          }
          throw new IllegalStateException("The batch loader did not stop");
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (pending != null && pending.isDone() && !pending.isCancelled()) {
        try {
          pending.get().close();
        } catch (ExecutionException | InterruptedException e) {
          // Never taken: the failure of a batch nobody waits for any more.
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Step {@code index}'s batch, with the teacher's soft targets when there is a teacher. */
  private Batch batch(FaceBatches batches, Teacher teacher, List<FaceBatches.Sample> order,
      int epoch, int index, int steps) {
    int size = settings.batchSize();
    int from = index * size;
    List<FaceBatches.Sample> samples = steps == 1 && order.size() < size ? order
        : order.subList(from, from + size);
    if (teacher == null) {
      return new Batch(batches.images(samples, settings.seed(), epoch, from),
          FaceBatches.targets(samples), null);
    }
    Teacher.Inputs inputs = teacher.inputs(samples.size());
    TFloat32 images = batches.images(samples, settings.seed(), epoch, from, inputs);
    try {
      return new Batch(images, FaceBatches.targets(samples), inputs.softTargets());
    } catch (RuntimeException e) {
      images.close();
      throw e;
    }
  }

  /** Validation log loss, AUC and accuracy, or NaNs without validation faces. */
  private double[] validate(TrainingGraph graph, FaceBatches batches,
      List<FaceBatches.Sample> faces) {
    if (faces.isEmpty()) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    double[] probabilities = predict(graph, batches, faces, settings.batchSize());
    int[] labels = faces.stream().mapToInt(f -> (int) f.target()).toArray();
    Metrics metrics = Metrics.of(probabilities, labels, 0.5, PROBABILITY_CLIP);
    return new double[] {metrics.logLoss(), metrics.auc(), metrics.accuracy()};
  }

  /** Inference-mode probabilities of {@code faces}, in order. */
  static double[] predict(TrainingGraph graph, FaceBatches batches,
      List<FaceBatches.Sample> faces, int batchSize) {
    double[] probabilities = new double[faces.size()];
    for (int from = 0; from < faces.size(); from += batchSize) {
      List<FaceBatches.Sample> chunk = faces.subList(from, Math.min(faces.size(),
          from + batchSize));
      try (TFloat32 images = batches.images(chunk, 0, 0, from)) {
        float[] logits = graph.logits(images);
        for (int i = 0; i < logits.length; i++) {
          probabilities[from + i] = 1 / (1 + Math.exp(-logits[i]));
        }
      }
    }
    return probabilities;
  }

  private RunState nextState(RunState state, EpochRecord record, long steps,
      List<EpochRecord> history) {
    boolean validated = !Double.isNaN(record.validationLoss());
    boolean better = !validated || Double.isNaN(state.bestLoss())
        || record.validationLoss() < state.bestLoss();
    int bestEpoch = better ? record.epoch() : state.bestEpoch();
    double bestLoss = better ? record.validationLoss() : state.bestLoss();
    int stale = better ? 0 : state.staleEpochs() + 1;
    boolean stopped = record.epoch() >= settings.epochs()
        || validated && settings.patience() > 0 && stale >= settings.patience();
    return new RunState(record.epoch(), steps, bestEpoch, bestLoss, stale, stopped,
        List.copyOf(history));
  }

  private void checkSettings(Path runFolder) throws IOException {
    Path file = runFolder.resolve("run.json");
    if (Files.exists(file)) {
      TrainingSettings existing = JSON.readValue(file.toFile(), TrainingSettings.class);
      if (!existing.equals(settings)) {
        throw new IllegalArgumentException("The run in " + runFolder + " was started with "
            + existing + "; resume it with the same settings or use another folder");
      }
    } else {
      JSON.writeValue(file.toFile(), settings);
    }
  }

  /** Restores the newest complete epoch, or initialises a new run. */
  private RunState resume(TrainingGraph graph, Path runFolder) throws IOException {
    Path checkpoints = runFolder.resolve("checkpoints");
    List<Path> epochs;
    try (Stream<Path> folders = Files.list(checkpoints)) {
      epochs = folders.filter(p -> p.getFileName().toString().startsWith("epoch-"))
          .sorted(Comparator.reverseOrder()).toList();
    }
    for (Path folder : epochs) {
      Path stateFile = folder.resolve("state.json");
      if (Files.isRegularFile(stateFile)) {
        RunState state = JSON.readValue(stateFile.toFile(), RunState.class);
        graph.restore(Checkpoints.prefix(folder));
        out.printf("train: resuming %s after epoch %d%n", runFolder, state.epoch());
        return state;
      }
      FileTrees.delete(folder); // an epoch interrupted while being saved
    }
    graph.initialize();
    if (initial != null) {
      java.util.Map<String, float[]> values = initial.read();
      graph.assign(values);
      out.printf("train: starting from %d pretrained parameters of %s%s%n", values.size(),
          settings.initFrom() == null ? "the given weights" : settings.initFrom().file(),
          values.containsKey("logit/kernel") ? "" : "; the head starts fresh");
    }
    return new RunState(0, 0, 0, Double.NaN, 0, false, List.of());
  }

  private void saveEpoch(TrainingGraph graph, Path runFolder, RunState state)
      throws IOException {
    Path checkpoints = runFolder.resolve("checkpoints");
    Path folder = checkpoints.resolve(String.format("epoch-%04d", state.epoch()));
    if (Files.exists(folder)) {
      FileTrees.delete(folder);
    }
    Files.createDirectories(folder);
    graph.save(Checkpoints.prefix(folder));
    // state.json last: its presence marks the epoch complete.
    Path temporary = folder.resolve("state.json.tmp");
    JSON.writeValue(temporary.toFile(), state);
    Files.move(temporary, folder.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE);
    if (state.bestEpoch() == state.epoch()) {
      Path best = checkpoints.resolve("best");
      Path staging = checkpoints.resolve("best.tmp");
      if (Files.exists(staging)) {
        FileTrees.delete(staging);
      }
      Files.createDirectories(staging);
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.toList()) {
          Files.copy(file, staging.resolve(file.getFileName()));
        }
      }
      if (Files.exists(best)) {
        FileTrees.delete(best);
      }
      Files.move(staging, best, StandardCopyOption.ATOMIC_MOVE);
    }
    try (Stream<Path> folders = Files.list(checkpoints)) {
      List<Path> old = folders.filter(p -> p.getFileName().toString().startsWith("epoch-"))
          .sorted(Comparator.reverseOrder()).skip(KEPT_EPOCHS).toList();
      for (Path path : old) {
        FileTrees.delete(path);
      }
    }
  }

  private static Path best(Path runFolder) {
    return runFolder.resolve("checkpoints").resolve("best");
  }

  private void writeLog(Path runFolder, List<EpochRecord> history) throws IOException {
    CsvTable.write(runFolder.resolve("log.csv"), EpochRecord.CSV_HEADER,
        history.stream().map(EpochRecord::csvCells).toList());
    double[] x = history.stream().mapToDouble(EpochRecord::epoch).toArray();
    double[] train = history.stream().mapToDouble(EpochRecord::trainLoss).toArray();
    double[] validation = history.stream().mapToDouble(EpochRecord::validationLoss).toArray();
    double top = 0;
    for (int i = 0; i < x.length; i++) {
      top = Math.max(top, train[i]);
      if (Double.isFinite(validation[i])) {
        top = Math.max(top, validation[i]);
      }
    }
    Chart.write(runFolder.resolve("loss.png"), settings.model() + " loss", "epoch",
        "binary cross-entropy", 1, Math.max(2, settings.epochs()), 0, Math.max(0.1, top * 1.1),
        List.of(new Chart.Series("train", x, train),
            new Chart.Series("validation", x, validation)), false);
  }
}
