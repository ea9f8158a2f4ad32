package dev.deepscreen.trainer.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code deepscreen-trainer}: builds the ensemble the scoring stage runs. Subcommands follow
 * the work in order: {@code synth} (optional demonstration data), {@code preprocess},
 * {@code train}, {@code evaluate}, {@code export}.
 *
 * <p>Exit codes: 0 done, 1 failed (the message says why), 2 invalid command line.
 */
@Command(name = "deepscreen-trainer", mixinStandardHelpOptions = true,
    versionProvider = TrainerCli.Version.class,
    description = "Trains, evaluates and exports the face classifiers of the Deepscreen"
        + " scoring stage.",
    subcommands = {SynthCommand.class, PreprocessCommand.class, TrainCommand.class,
        EvaluateCommand.class, ExportCommand.class, ImportCommand.class,
        PredictCommand.class, LabelsCommand.class})
public final class TrainerCli {

  final PrintStream out;
  final boolean interactive;

  private TrainerCli(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** Failure exit code: the command ran and failed. */
  public static final int FAILED = 1;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(System.out, System.err, args));
  }

  /** Runs a command line with the given output streams and returns its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return commandLine(out, err).execute(args);
  }

  /** The command line, ready to parse or execute, writing to the given streams. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    boolean terminal = System.console() != null && out == System.out;
    CommandLine commandLine = new CommandLine(new TrainerCli(out, terminal));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(cmd.getCommandName() + ": " + message(e));
      return FAILED;
    });
    return commandLine;
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TrainerCli.class.getPackage().getImplementationVersion();
      return new String[] {"deepscreen-trainer " + (version == null ? "(development)" : version)};
    }
  }
}
