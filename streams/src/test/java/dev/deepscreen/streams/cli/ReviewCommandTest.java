package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.review.PasswordHash;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReviewCommandTest {

  @Test
  void withoutReviewersTheServerDoesNotStart() {
    CliRun run = CliRun.run(Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", "127.0.0.1:9",
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://review-command-test"), "review");

    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(run.err().strip()).isEqualTo("Invalid settings: review.users is empty: the"
        + " review server needs at least one reviewer (name:hash, the hash from 'deepscreen"
        + " review hash-password'), in the settings file or DEEPSCREEN_REVIEW_USERS; there is"
        + " no default login");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void hashPasswordPrintsAHashOfTheFirstLine() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ReviewCommand.HashPassword(new ByteArrayInputStream(
        "a long password\nignored\n".getBytes(StandardCharsets.UTF_8))));
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute("--iterations", "10000")).isZero();
    PasswordHash hash = PasswordHash.parse(out.toString().strip());
    assertThat(hash.iterations()).isEqualTo(10_000);
    assertThat(hash.matches("a long password".toCharArray())).isTrue();
  }

  @Test
  void aShortPasswordIsRefused() {
    CommandLine cli = new CommandLine(new ReviewCommand.HashPassword(new ByteArrayInputStream(
        "short\n".getBytes(StandardCharsets.UTF_8))));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println(e.getMessage());
      return ((CommandException) e).exitCode();
    });

    assertThat(cli.execute()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(err.toString()).contains("A reviewer's password has at least 8 characters");
  }
}
