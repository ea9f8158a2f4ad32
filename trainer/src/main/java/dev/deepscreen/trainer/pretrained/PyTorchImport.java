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
   * @param expectedSha256 the SHA-256 the file must have (lower-case hexadecimal), or null
   */
  public record Source(Path file, String name, double weight, String expectedSha256) {

    /** A file with no checksum to meet. */
    public Source(Path file, String name, double weight) {
      this(file, name, weight, null);
    }
  }

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
    if (source.expectedSha256() != null && !sha256.equals(source.expectedSha256())) {
      throw new IllegalArgumentException(source.file() + " has SHA-256 " + sha256
          + ", the checksums file says " + source.expectedSha256());
    }
    PyTorchCheckpoint checkpoint = PyTorchCheckpoint.read(source.file());
    TimmEfficientNet.Plan plan = plan(source.file(), checkpoint, architecture);
    if (!plan.hasHead()) {
      throw new IllegalArgumentException(source.file().getFileName() + ": the state dict has no"
          + " one-logit head (an ImageNet backbone?): import takes trained classifiers; start"
          + " training from it with train --init-from");
    }
    log.printf("import: %s (%s, %s format, SHA-256 %s) as %s: %d parameters mapped,"
            + " unused: %s%n", source.file().getFileName(), plan.describe(),
        checkpoint.format().name().toLowerCase(Locale.ROOT), sha256, source.name(),
        plan.parameterCount(), summary(plan.unused()));
    return new Checked(plan.architecture(), sha256, format(checkpoint.format()));
  }

  /**
   * Checks that {@code file} can start a training run of {@code architecture}, converting
   * nothing, and says what it holds.
   *
   * @throws IllegalArgumentException if the checkpoint is not of that network, naming the key
   */
  public static void checkInitialParameters(Path file, Architecture architecture,
      PrintStream log) throws IOException {
    TimmEfficientNet.Plan plan = plan(file, PyTorchCheckpoint.read(file), architecture);
    log.printf("train: %s is %s; %d tensors unused (%s)%n", file.getFileName(),
        plan.describe(), plan.unused().size(), summary(plan.unused()));
  }

  /**
   * The parameters a training run of {@code architecture} starts from: every one the checkpoint
   * has, the one-logit head included when it has one.
   *
   * @throws IllegalArgumentException if the checkpoint is not of that network, naming the key
   */
  public static Map<String, float[]> initialParameters(Path file, Architecture architecture)
      throws IOException {
    return read(file, architecture).parameters();
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
    PyTorchCheckpoint checkpoint = PyTorchCheckpoint.read(file);
    return plan(file, checkpoint, architecture).convert(checkpoint.stateDict());
  }

  /** The checkpoint's plan, its errors prefixed with the file's name. */
  private static TimmEfficientNet.Plan plan(Path file, PyTorchCheckpoint checkpoint,
      Architecture architecture) {
    try {
      return TimmEfficientNet.plan(checkpoint.stateDict(), architecture);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** The manifest's name of a checkpoint format. */
  static String format(PyTorchCheckpoint.Format format) {
    return "pytorch-" + format.name().toLowerCase(Locale.ROOT);
  }
}
