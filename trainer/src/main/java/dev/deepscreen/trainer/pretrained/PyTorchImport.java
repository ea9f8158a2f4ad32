package dev.deepscreen.trainer.pretrained;

import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.trainer.export.EnsembleWriter;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.pytorch.PyTorchCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns PyTorch checkpoints of timm's {@code tf_efficientnet} family, bare or as the DFDC
 * winner's {@code DeepFakeClassifier}, into an ensemble folder the scoring stage loads: each
 * checkpoint read ({@link PyTorchCheckpoint}), mapped ({@link TimmEfficientNet}) and exported as
 * {@code export} exports a trained run, with the source file's name and SHA-256 in the manifest.
 */
public final class PyTorchImport {

  /** The input side the reference trained and ran its classifiers at. */
  public static final int REFERENCE_INPUT_SIZE = 380;

  /** timm's model names of the family: tf_efficientnet_b0 .. b7, maybe _ns or _ap. */
  private static final Pattern TF_VARIANT = Pattern.compile(
      "tf_efficientnet_(b[0-7])(?:_ns|_ap)?");
  /** timm's other EfficientNets, in a model or file name: efficientnet_b0, efficientnet_b3a... */
  private static final Pattern OTHER_VARIANT = Pattern.compile(
      "(?<!tf_)efficientnet_b[0-9]");

  /**
   * One checkpoint to import.
   *
   * @param file the checkpoint
   * @param name the model's name in the ensemble
   * @param weight the model's weight in the ensemble mean
   */
  public record Source(Path file, String name, double weight) {}

  private final Architecture architecture;
  private final int inputSize;
  private final PrintStream log;

  /**
   * @param model timm's model name ({@code tf_efficientnet_b7_ns}) or the trainer's
   *     ({@code efficientnet-b7}), or null to infer the network from each state dict's shapes
   * @param inputSize the side of the square input the ensemble declares
   * @param log where each checkpoint's mapping is reported
   */
  public PyTorchImport(String model, int inputSize, PrintStream log) {
    this.architecture = model == null ? null : architecture(model);
    if (inputSize < 32 || inputSize > 1024) {
      throw new IllegalArgumentException("--input-size must be in [32, 1024]: " + inputSize);
    }
    this.inputSize = inputSize;
    this.log = log;
  }

  /**
   * The architecture a model name denotes.
   *
   * @throws IllegalArgumentException for timm's non-{@code tf_} EfficientNets, which pad
   *     symmetrically and use batch-norm epsilon 1e-5, and for anything else unknown
   */
  static Architecture architecture(String model) {
    String name = model.trim().toLowerCase(Locale.ROOT);
    Matcher tf = TF_VARIANT.matcher(name);
    if (tf.matches()) {
      return Architecture.parse(tf.group(1));
    }
    if (OTHER_VARIANT.matcher(name).find()) {
      throw new IllegalArgumentException(notTfVariant(model));
    }
    Architecture architecture = Architecture.parse(name);
    if (!architecture.isEfficientNet()) {
      throw new IllegalArgumentException("Only EfficientNets import from PyTorch, not " + model);
    }
    return architecture;
  }

  private static String notTfVariant(String name) {
    return name + " is one of timm's PyTorch-native EfficientNets: they pad symmetrically and"
        + " use batch-norm epsilon 1e-5, so they do not compute what the trainer's EfficientNet"
        + " computes. Only the tf_efficientnet_b0..b7 variants (TensorFlow \"SAME\" padding,"
        + " epsilon 1e-3; _ns and _ap included) import exactly.";
  }

  /**
   * Imports {@code sources} into {@code out} (new, or an empty folder), all or nothing.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public EnsembleManifest importEnsemble(List<Source> sources, String version, Path out)
      throws IOException {
    List<EnsembleWriter.Member> members = new ArrayList<>();
    for (Source source : sources) {
      if (!Files.isRegularFile(source.file())) {
        throw new IllegalArgumentException("No checkpoint at " + source.file());
      }
      String fileName = source.file().getFileName().toString();
      if (architecture == null && OTHER_VARIANT.matcher(fileName.toLowerCase(Locale.ROOT))
          .find()) {
        throw new IllegalArgumentException(fileName + ": " + notTfVariant("its model"));
      }
      // Read once up front, so that a bad file fails before any model is exported.
      Checked checked = check(source);
      members.add(new EnsembleWriter.Member(source.name(), checked.architecture, inputSize,
          () -> read(source.file(), checked.architecture).parameters(), source.weight(),
          new EnsembleManifest.Source(fileName, checked.sha256, checked.format)));
    }
    return EnsembleWriter.write(out, version, members);
  }

  private record Checked(Architecture architecture, String sha256, String format) {}

  private Checked check(Source source) throws IOException {
    String sha256 = Sha256.of(source.file());
    PyTorchCheckpoint checkpoint = PyTorchCheckpoint.read(source.file());
    TimmEfficientNet.Mapped mapped = map(source.file(), checkpoint);
    if (!mapped.hasHead()) {
      throw new IllegalArgumentException(source.file().getFileName() + ": the state dict has no"
          + " one-logit head (an ImageNet backbone?): import takes trained classifiers; start"
          + " training from it with train --init-from");
    }
    log.printf("import: %s (%s, %s format, SHA-256 %s) as %s: %d parameters mapped,"
            + " unused: %s%n", source.file().getFileName(), describe(mapped),
        checkpoint.format().name().toLowerCase(Locale.ROOT), sha256, source.name(),
        mapped.parameters().size(), summary(mapped.unused()));
    return new Checked(mapped.architecture(), sha256, format(checkpoint.format()));
  }

  /**
   * The parameters a training run of {@code architecture} starts from: every one the checkpoint
   * has, the one-logit head included when it has one.
   *
   * @throws IllegalArgumentException if the checkpoint is not of that network, naming the key
   */
  public static Map<String, float[]> initialParameters(Path file, Architecture architecture,
      PrintStream log) throws IOException {
    TimmEfficientNet.Mapped mapped = read(file, architecture);
    log.printf("train: %s is %s; %d tensors unused (%s)%n", file.getFileName(),
        describe(mapped), mapped.unused().size(), summary(mapped.unused()));
    return mapped.parameters();
  }

  private static String summary(List<String> unused) {
    long trackers = unused.stream().filter(k -> k.endsWith(".num_batches_tracked")).count();
    List<String> others = unused.stream().filter(k -> !k.endsWith(".num_batches_tracked"))
        .toList();
    String text = trackers + " num_batches_tracked";
    return others.isEmpty() ? text : text + ", " + String.join(", ", others);
  }

  /** The trainer's parameters of a checkpoint, for export or for initialising training. */
  static TimmEfficientNet.Mapped read(Path file, Architecture architecture) throws IOException {
    return mapWith(file, PyTorchCheckpoint.read(file), architecture);
  }

  private TimmEfficientNet.Mapped map(Path file, PyTorchCheckpoint checkpoint) {
    return mapWith(file, checkpoint, architecture);
  }

  private static TimmEfficientNet.Mapped mapWith(Path file, PyTorchCheckpoint checkpoint,
      Architecture architecture) {
    try {
      return TimmEfficientNet.map(checkpoint.stateDict(), architecture);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private static String describe(TimmEfficientNet.Mapped mapped) {
    String timm = "tf_" + mapped.architecture().id().replace('-', '_');
    return mapped.layout() == TimmEfficientNet.Layout.DEEPFAKE_CLASSIFIER
        ? "DeepFakeClassifier(" + timm + ")" : timm;
  }

  /** The manifest's name of a checkpoint format. */
  static String format(PyTorchCheckpoint.Format format) {
    return "pytorch-" + format.name().toLowerCase(Locale.ROOT);
  }
}
