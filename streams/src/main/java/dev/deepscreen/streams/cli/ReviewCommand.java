package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.review.PasswordHash;
import dev.deepscreen.streams.review.ReviewApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deepscreen review}: the reviewers' web application, until stopped; {@code deepscreen
 * review hash-password} makes the password hashes its {@code review.users} setting lists.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
    description = {"Serves the review web application: the queue of verdicts to review, case"
        + " pages with the suspicious frames, and decisions written to review-decisions. Runs"
        + " until stopped (Ctrl-C).",
        "Needs review.users (reviewers and password hashes); listens on 127.0.0.1:8090 unless"
        + " review.bind.address and review.port say otherwise."},
    subcommands = ReviewCommand.HashPassword.class)
final class ReviewCommand implements Callable<Integer> {

  private final CommandContext context;

  @Mixin
  ConfigOption config;

  ReviewCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Map<String, String> settings = context.settings(config.file);
    new ClientSettings(settings); // bootstrap.servers is required, with the commands' message
    ReviewApp app;
    try {
      app = ReviewApp.start(settings);
    } catch (ConfigException e) {
      throw ClientSettings.invalid(e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Runnable withdraw = context.stopSignal().register(stopped::countDown, done);
    try (app) {
      context.out().println("Review server on " + app.uri() + " (stop with Ctrl-C)");
      stopped.await();
    } finally {
      done.countDown();
      withdraw.run();
    }
    return StageRunner.EXIT_OK;
  }

  /** Reads a password from standard input and prints its hash for review.users. */
  @Command(name = "hash-password", mixinStandardHelpOptions = true,
      description = {"Reads a password (the first line of standard input, or typed without"
          + " echo on a terminal) and prints the hash to list in review.users as name:hash."})
  static final class HashPassword implements Callable<Integer> {

    private final InputStream in;

    @Option(names = "--iterations", paramLabel = "N",
        description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}).")
    int iterations = PasswordHash.DEFAULT_ITERATIONS;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    HashPassword() {
      this(System.in);
    }

    HashPassword(InputStream in) {
      this.in = in;
    }

    @Override
    public Integer call() throws IOException {
      if (iterations < 10_000) {
        throw new CommandException(StageRunner.EXIT_USAGE, "--iterations must be at least"
            + " 10000");
      }
      char[] password;
      if (System.console() != null && in == System.in) {
        password = System.console().readPassword("Password: ");
      } else {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
            .readLine();
        password = line == null ? null : line.toCharArray();
      }
      if (password == null || password.length < 8) {
        throw new CommandException(StageRunner.EXIT_USAGE, "A reviewer's password has at least"
            + " 8 characters");
      }
      spec.commandLine().getOut().println(PasswordHash.of(password, iterations));
      java.util.Arrays.fill(password, ' ');
      return StageRunner.EXIT_OK;
    }
  }
}
