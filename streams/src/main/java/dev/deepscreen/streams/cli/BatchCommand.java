package dev.deepscreen.streams.cli;

import dev.deepscreen.schemas.serde.AvroJson;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.aggregate.VerdictFactory;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.batch.BatchScreening;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.streams.score.ScoreApp;
import dev.deepscreen.streams.score.ScoreConfig;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deepscreen batch}: the pipeline without Kafka on a folder of videos, with the stages'
 * own code and settings ({@link BatchScreening}). Writes {@code submission.csv} (the reference
 * solution's submission format: file name and probability of being fake) and {@code
 * verdicts.jsonl} (one verdict per line, as {@code deepscreen verdicts --format jsonl} prints
 * them).
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = {"Screens every video file of a folder in this process, without Kafka, with"
        + " the stages' code and settings (extract.*, score.*, aggregate.* of the settings file).",
        "Writes submission.csv (filename,label: the probability of being fake) and"
            + " verdicts.jsonl to the output folder, and prints a verdict table."})
final class BatchCommand implements Callable<Integer> {

  /** The offline path reads the stages' settings but connects to nothing. */
  private static final Map<String, String> OFFLINE = Map.of("bootstrap.servers", "offline:0",
      "schema.registry.url", "mock://offline");

  private final CommandContext context;

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "VIDEO_FOLDER", description = "Folder of video files (not recursive).")
  Path folder;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "deepscreen-batch",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--ensemble", paramLabel = "DIR",
      description = "Ensemble folder (default: score.ensemble.dir, else the built-in one).")
  Path ensembleDir;

  @Option(names = {"-j", "--parallelism"}, paramLabel = "N", defaultValue = "2",
      description = "Videos screened at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  BatchCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(folder)) {
      throw new CommandException(StageRunner.EXIT_NO_INPUT, "No folder " + folder);
    }
    if (parallelism < 1) {
      throw new CommandException(StageRunner.EXIT_USAGE, "--parallelism must be at least 1");
    }
    Path root = folder.toAbsolutePath().normalize();
    List<Path> videos;
    try (Stream<Path> files = Files.list(root)) {
      videos = files.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    Map<String, Object> settings = new HashMap<>(OFFLINE);
    settings.putAll(context.settings(config.file));
    settings.put(ExtractConfig.FILE_ROOTS_CONFIG, root.toString());
    if (ensembleDir != null) {
      settings.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, ensembleDir.toString());
    }
    ExtractConfig extract;
    ScoreConfig score;
    VerdictFactory verdicts;
    try {
      extract = new ExtractConfig(settings);
      score = new ScoreConfig(settings);
      verdicts = VerdictFactory.of(new AggregateConfig(settings));
    } catch (ConfigException e) {
      throw new CommandException(StageRunner.EXIT_CONFIG, "Invalid settings: " + e.getMessage());
    }
    List<BatchScreening.Result> results;
    try (Ensemble ensemble = load(score)) {
      context.out().println("Screening " + videos.size() + " files of " + root + " with ensemble "
          + ensemble.version());
      context.out().println(VerdictTable.header());
      BatchScreening screening = new BatchScreening(extract, score.batchMaxSize(), ensemble,
          verdicts, parallelism, Clock.systemUTC());
      results = screening.screen(videos, result -> {
        synchronized (context.out()) {
          context.out().println(VerdictTable.row(result.verdict()));
        }
      });
    }
    Files.createDirectories(out);
    SubmissionFile.write(out.resolve("submission.csv"), results.stream()
        .map(r -> new SubmissionFile.Row(r.video().getFileName().toString(),
            r.verdict().getProbability()))
        .toList());
    try (BufferedWriter json = Files.newBufferedWriter(out.resolve("verdicts.jsonl"),
        StandardCharsets.UTF_8)) {
      for (BatchScreening.Result result : results) {
        json.write(AvroJson.line(result.verdict()));
        json.newLine();
      }
    }
    Map<String, Long> byStatus = results.stream().collect(Collectors.groupingBy(
        r -> r.verdict().getStatus().name(), TreeMap::new, Collectors.counting()));
    context.out().println(results.size() + " verdicts " + byStatus + "; written to "
        + out.toAbsolutePath().resolve("submission.csv") + " and verdicts.jsonl");
    return StageRunner.EXIT_OK;
  }

  private static Ensemble load(ScoreConfig score) {
    try {
      return ScoreApp.loadEnsemble(score);
    } catch (ConfigException e) {
      throw new CommandException(StageRunner.EXIT_CONFIG, "Invalid settings: " + e.getMessage());
    }
  }
}
