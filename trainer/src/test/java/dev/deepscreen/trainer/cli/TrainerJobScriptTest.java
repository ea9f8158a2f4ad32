package dev.deepscreen.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kubernetes trainer Job's script (k8s/base/trainer/train.sh) calls this CLI with commands
 * and options it has, with the values of the Job's settings file: parsed by the CLI itself, not
 * run (no cluster here).
 */
class TrainerJobScriptTest {

  private static final Path JOB = Path.of("..", "k8s", "base", "trainer");
  private static final Pattern VARIABLE = Pattern.compile("\"\\$\\{?([A-Za-z_]+)[^\"]*\"");

  @Test
  void everyTrainerCallOfTheJobParses() throws Exception {
    Map<String, String> settings = new HashMap<>();
    for (String line : Files.readAllLines(JOB.resolve("trainer.properties"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] pair = line.split("=", 2);
        settings.put(pair[0].trim(), pair[1].trim());
      }
    }
    settings.put("version", "2026.11.21-1200");
    String script = Files.readString(JOB.resolve("train.sh")).replace("\\\n", " ");
    List<String> commands = new ArrayList<>();
    for (String line : script.lines().toList()) {
      if (!line.startsWith("deepscreen-trainer ")) {
        continue;
      }
      Matcher variables = VARIABLE.matcher(line);
      StringBuilder resolved = new StringBuilder();
      while (variables.find()) {
        String value = settings.get(variables.group(1));
        assertThat(value).as("setting %s of: %s", variables.group(1), line).isNotNull()
            .isNotBlank();
        variables.appendReplacement(resolved, Matcher.quoteReplacement(value));
      }
      variables.appendTail(resolved);
      String[] words = resolved.toString().trim().split("\\s+");
      String[] args = Arrays.copyOfRange(words, 1, words.length);
      CommandLine.ParseResult parsed = TrainerCli.commandLine(System.out,
          System.err).parseArgs(args);
      assertThat(parsed.hasSubcommand()).as(line).isTrue();
      commands.add(parsed.subcommand().commandSpec().name());
    }
    assertThat(commands).containsExactly("preprocess", "train", "export", "evaluate");
  }
}
