package dev.deepscreen.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.trainer.export.EnsembleWriter;
import dev.deepscreen.trainer.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", description = {
    "Writes an ensemble folder the scoring stage loads: one lean serving SavedModel per run"
        + " (signatures serving_default and gradcam) and ensemble.json."})
final class ExportCommand implements Callable<Integer> {
  @ParentCommand
  TrainerCli cli;

  @Option(names = "--run", required = true, description = "Run folder; repeat for an ensemble.")
  List<Path> runs;

  @Option(names = "--name", description = "Model name per run, in order (default: the run"
      + " folder's name).")
  List<String> names = new ArrayList<>();

  @Option(names = "--weight",
      description = "Weight per run in the ensemble mean, in order (default: 1).")
  List<Double> weights = new ArrayList<>();

  @Option(names = "--checkpoint", defaultValue = "best",
      description = "best (lowest validation loss) or last (default: ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(names = "--out", required = true, description = "Empty or new ensemble folder.")
  Path out;

  @Option(names = "--version", required = true,
      description = "Ensemble version, carried by every face score (e.g. 2026.11.1).")
  String version;

  @Override
  public Integer call() throws Exception {
    if (!names.isEmpty() && names.size() != runs.size()
        || !weights.isEmpty() && weights.size() != runs.size()) {
      throw new IllegalArgumentException("Give one --name and one --weight per --run, or none");
    }
    List<EnsembleWriter.Member> members = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Path run = runs.get(i);
      Path settingsFile = run.resolve("run.json");
      if (!Files.isRegularFile(settingsFile)) {
        throw new IllegalArgumentException(run + " is not a run folder (no run.json)");
      }
      TrainingSettings settings = new ObjectMapper().readValue(settingsFile.toFile(),
          TrainingSettings.class);
      String name = names.isEmpty() ? run.toAbsolutePath().normalize().getFileName().toString()
          : names.get(i);
      members.add(EnsembleWriter.Member.trained(name, settings, checkpointOf(run),
          weights.isEmpty() ? 1.0 : weights.get(i)));
    }
    EnsembleManifest manifest = EnsembleWriter.write(out, version, members);
    cli.out.printf("export: ensemble %s with %s in %s%n", manifest.version(),
        manifest.models().stream().map(EnsembleManifest.Model::name).toList(), out);
    return 0;
  }

  private Path checkpointOf(Path run) throws java.io.IOException {
    Path checkpoints = run.resolve("checkpoints");
    if (checkpoint.equals("best")) {
      return checkpoints.resolve("best");
    }
    if (!checkpoint.equals("last")) {
      throw new IllegalArgumentException("--checkpoint is best or last: " + checkpoint);
    }
    try (Stream<Path> folders = Files.list(checkpoints)) {
      return folders.filter(p -> p.getFileName().toString().startsWith("epoch-"))
          .filter(p -> Files.isRegularFile(p.resolve("state.json")))
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new IllegalArgumentException("No complete epoch in " + run));
    }
  }
}
