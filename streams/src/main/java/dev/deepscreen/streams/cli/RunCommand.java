package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StageProcess;
import dev.deepscreen.streams.app.StageRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code deepscreen run <stage>|all}: stages against an existing cluster, until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs a stage, or all of them in this process, against a cluster until"
        + " stopped (SIGTERM or Ctrl-C).",
        "Settings come from --config and DEEPSCREEN_* variables; Kafka client settings such as"
        + " security.protocol, sasl.* and ssl.* pass through to the stage's clients."})
final class RunCommand implements Callable<Integer> {

  static final String ALL = "all";

  private final CommandContext context;

  @Parameters(paramLabel = "STAGE", description = "One of: ${COMPLETION-CANDIDATES}.",
      completionCandidates = StageNames.class)
  String stage;

  @Mixin
  ConfigOption config;

  RunCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<StageRunner<?>> runners;
    if (ALL.equals(stage)) {
      runners = List.copyOf(Stages.BY_NAME.values());
    } else if (Stages.BY_NAME.containsKey(stage)) {
      runners = List.of(Stages.BY_NAME.get(stage));
    } else {
      throw new CommandException(StageRunner.EXIT_USAGE, "Unknown stage '" + stage
          + "'; this build has " + String.join(", ", Stages.names()) + " (or " + ALL + ")");
    }
    Map<String, String> settings = context.settings(config.file);
    if (runners.size() > 1 && settings.containsKey(StreamsConfig.APPLICATION_ID_CONFIG)) {
      throw new CommandException(StageRunner.EXIT_CONFIG, "Invalid settings: "
          + StreamsConfig.APPLICATION_ID_CONFIG + " cannot be set for 'run all': each stage needs"
          + " an application id of its own, and takes its default (deepscreen-<stage>)");
    }
    List<StageRunner.Configured<?>> stages = new ArrayList<>();
    for (StageRunner<?> runner : runners) {
      try {
        stages.add(runner.configure(settings));
      } catch (ConfigException e) {
        throw new CommandException(StageRunner.EXIT_CONFIG, "Invalid settings: "
            + e.getMessage(), e);
      }
    }
    return StageProcess.run(stages, context.err(), context.stopSignal());
  }

  /** The names {@code run} accepts. */
  static final class StageNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    StageNames() {
      super(Stages.names());
      add(ALL);
    }
  }
}
