package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.app.StopSignal;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Spec;

/**
 * The {@code deepscreen} command: runs the stages, creates the topics, submits videos, follows
 * verdicts, lists and replays dead letters, serves the reviewers' web application ({@code
 * review}) and runs the whole pipeline in one process ({@code demo}).
 *
 * <p>Exit codes, shared with {@link StageRunner}: 0 success, 1 failure (the message says why), 64
 * wrong arguments, 66 an input file cannot be read, 78 invalid settings.
 */
@Command(name = "deepscreen", mixinStandardHelpOptions = true,
    versionProvider = Deepscreen.Version.class,
    description = "Streaming deepfake-video moderation on Kafka.",
    footer = {"", "Exit codes: 0 success, 1 failure, 64 wrong arguments, 66 unreadable input,"
        + " 78 invalid settings."})
public final class Deepscreen implements Callable<Integer> {

  /** Read by the distribution's log4j2.xml. */
  private static final String LOG_LEVEL_PROPERTY = "deepscreen.log.level";
  private static final String KAFKA_LOG_LEVEL_PROPERTY = "deepscreen.kafka.log.level";

  private final CommandContext context;

  @Spec
  CommandLine.Model.CommandSpec spec;

  private Deepscreen(CommandContext context) {
    this.context = context;
  }

  public static void main(String[] args) {
    // The demo prints its own progress: the stages, broker and worker log errors only, unless a
    // level is asked for. Set before the first logger exists.
    if (args.length > 0 && args[0].equals("demo")
        && System.getenv("DEEPSCREEN_LOG_LEVEL") == null
        && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LOG_LEVEL_PROPERTY, "ERROR");
      System.setProperty(KAFKA_LOG_LEVEL_PROPERTY, "ERROR");
    }
    System.exit(run(System.out, System.err, System.getenv(), args));
  }

  /**
   * Runs a command line and returns its exit code.
   *
   * @param environment the variables to read {@code DEEPSCREEN_*} settings from
   */
  public static int run(PrintStream out, PrintStream err, Map<String, String> environment,
      String... args) {
    return run(out, err, environment, StopSignal.jvmShutdown(), args);
  }

  /** {@link #run(PrintStream, PrintStream, Map, String...)}, long commands stopped by a signal. */
  public static int run(PrintStream out, PrintStream err, Map<String, String> environment,
      StopSignal stopSignal, String... args) {
    CommandContext context = new CommandContext(out, err, environment, stopSignal);
    String asked = args.length > 0 ? args[0] : "";
    return commandLine(context, asked).execute(args);
  }

  /**
   * The command line; {@code asked}, the subcommand named on it, is loaded from the extensions
   * when it is one (only then: a stage never loads the demo's libraries).
   */
  private static CommandLine commandLine(CommandContext context, String asked) {
    Object demo = asked.equals("demo")
        ? CommandExtensions.find("demo").map(e -> e.command(context))
            .orElseGet(MissingDemoCommand::new)
        : new MissingDemoCommand();
    CommandLine cli = new CommandLine(new Deepscreen(context))
        .addSubcommand(new RunCommand(context))
        .addSubcommand(new CommandLine(new TopicsCommand())
            .addSubcommand(new TopicsCommand.Create(context)))
        .addSubcommand(new SubmitCommand(context))
        .addSubcommand(new VerdictsCommand(context))
        .addSubcommand(new DeadLettersCommand(context))
        .addSubcommand(new ReviewCommand(context))
        .addSubcommand("demo", demo)
        .addSubcommand(new BatchCommand(context));
    cli.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine command = e.getCommandLine();
      command.getErr().println(e.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, command.getErr())) {
        command.getErr().println("See '" + command.getCommandSpec().qualifiedName()
            + " --help'.");
      }
      return StageRunner.EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof CommandException failure) {
        context.err().println(failure.getMessage());
        return failure.exitCode();
      }
      if (e instanceof ConfigException invalid) {
        context.err().println("Invalid settings: " + invalid.getMessage());
        return StageRunner.EXIT_CONFIG;
      }
      throw e;
    });
    return cli;
  }

  /** Without a subcommand: the usage, as an error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return StageRunner.EXIT_USAGE;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Deepscreen.class.getPackage().getImplementationVersion();
      return new String[] {"deepscreen " + (version == null ? "(development build)" : version)};
    }
  }
}
