package dev.deepscreen.trainer.cli;

import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.trainer.pretrained.PyTorchImport;
import dev.deepscreen.trainer.pretrained.ReferenceEnsemble;
import dev.deepscreen.trainer.pretrained.WeightsDownloader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "import", description = {
    "Imports PyTorch checkpoints of timm's tf_efficientnet_b0..b7 family (bare, or as the DFDC"
        + " winner's DeepFakeClassifier) into an ensemble folder the scoring stage loads, as"
        + " export writes one. Reads both of PyTorch's file formats in Java, executes nothing"
        + " from them. With --preset " + ReferenceEnsemble.PRESET + ", downloads (or takes from"
        + " --weights) the reference's seven EfficientNet-B7 classifiers and imports them."})
final class ImportCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Parameters(arity = "0..*", paramLabel = "CHECKPOINT",
      description = "PyTorch checkpoint files (.pth, or the reference's files without suffix).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--preset", description = "Import a published ensemble instead of files: "
      + ReferenceEnsemble.PRESET + " (the DFDC winner's seven B7 classifiers).")
  String preset;

  @Option(names = "--weights", description = "With --preset: the folder holding the preset's"
      + " files; the ones missing are downloaded into it (resuming a partial download).")
  Path weights;

  @Option(names = "--no-download", description = "With --preset: fail if a file is missing"
      + " from --weights instead of downloading it.")
  boolean noDownload;

  @Option(names = "--checksums", description = "A file of expected SHA-256 sums (the output of"
      + " sha256sum: HASH, two spaces, FILE NAME); each listed file must match.")
  Path checksums;

  @Option(names = "--out", required = true, description = "New or empty ensemble folder.")
  Path out;

  @Option(names = "--version", description = "Ensemble version, carried by every face score"
      + " (required for files; default with --preset: " + ReferenceEnsemble.VERSION + ").")
  String version;

  @Option(names = "--model", description = "The network, when not inferred from the shapes:"
      + " timm's name (tf_efficientnet_b7_ns) or the trainer's (efficientnet-b7).")
  String model;

  @Option(names = "--input-size", defaultValue = "" + PyTorchImport.REFERENCE_INPUT_SIZE,
      description = "Side of the square face input (default: ${DEFAULT-VALUE}, the reference's).")
  int inputSize;

  @Option(names = "--name", description = "Model name per file, in order (default: the file"
      + " name without its suffix).")
  List<String> names = new ArrayList<>();

  @Option(names = "--weight", description = "Weight per file in the ensemble mean, in order"
      + " (default: 1).")
  List<Double> modelWeights = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Map<String, String> expected = checksums == null ? Map.of() : readChecksums(checksums);
    List<PyTorchImport.Source> sources = preset != null ? presetSources(expected)
        : fileSources(expected);
    String ensembleVersion = version != null ? version : ReferenceEnsemble.VERSION;
    EnsembleManifest manifest = new PyTorchImport(model, inputSize, cli.out)
        .importEnsemble(sources, ensembleVersion, out);
    cli.out.printf("import: ensemble %s with %s in %s%n", manifest.version(),
        manifest.models().stream().map(EnsembleManifest.Model::name).toList(), out);
    return 0;
  }

  private List<PyTorchImport.Source> fileSources(Map<String, String> expected) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Name the checkpoint files to import, or a --preset");
    }
    if (weights != null || noDownload) {
      throw new IllegalArgumentException("--weights and --no-download go with --preset");
    }
    if (version == null) {
      throw new IllegalArgumentException("--version is required when importing files");
    }
    if (!names.isEmpty() && names.size() != files.size()
        || !modelWeights.isEmpty() && modelWeights.size() != files.size()) {
      throw new IllegalArgumentException("Give one --name and one --weight per file, or none");
    }
    List<PyTorchImport.Source> sources = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      String name = names.isEmpty() ? stem(file) : names.get(i);
      sources.add(new PyTorchImport.Source(file, name,
          modelWeights.isEmpty() ? 1.0 : modelWeights.get(i),
          expected.get(file.getFileName().toString())));
    }
    return sources;
  }

  private List<PyTorchImport.Source> presetSources(Map<String, String> expected)
      throws IOException {
    if (!preset.equals(ReferenceEnsemble.PRESET)) {
      throw new IllegalArgumentException("Unknown preset '" + preset + "'; use "
          + ReferenceEnsemble.PRESET);
    }
    if (!files.isEmpty() || !names.isEmpty() || !modelWeights.isEmpty()) {
      throw new IllegalArgumentException("--preset takes no files, --name or --weight: it names"
          + " its own");
    }
    if (weights == null) {
      throw new IllegalArgumentException("--preset needs --weights, the folder its files are"
          + " (or are to be downloaded) in");
    }
    Files.createDirectories(weights);
    WeightsDownloader download = noDownload ? null : WeightsDownloader.defaults(cli.out);
    List<PyTorchImport.Source> sources = new ArrayList<>();
    for (ReferenceEnsemble.Checkpoint checkpoint : ReferenceEnsemble.CHECKPOINTS) {
      Path file = weights.resolve(checkpoint.file());
      if (download != null) {
        download.fetch(checkpoint.uri(), file, expected.get(checkpoint.file()));
      } else if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--no-download: " + file + " is missing; get it"
            + " from " + checkpoint.uri());
      }
      sources.add(new PyTorchImport.Source(file, checkpoint.name(), 1.0,
          expected.get(checkpoint.file())));
    }
    return sources;
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    for (String suffix : List.of(".pth.tar", ".pth", ".pt", ".bin", ".ckpt")) {
      if (lower.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** {@code sha256sum}'s output: a hash, a space and a space or '*', a file name. */
  static Map<String, String> readChecksums(Path file) throws IOException {
    Map<String, String> sums = new HashMap<>();
    int number = 0;
    for (String line : Files.readAllLines(file)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.trim().split("\\s+\\*?", 2);
      if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException(file + " line " + number
            + " is not 'SHA256  FILE': " + line);
      }
      sums.put(Path.of(parts[1].trim()).getFileName().toString(),
          parts[0].toLowerCase(Locale.ROOT));
    }
    return sums;
  }
}
