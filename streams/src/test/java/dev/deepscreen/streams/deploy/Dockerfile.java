package dev.deepscreen.streams.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read into its instructions and build stages: continuation lines joined, comments
 * and parser directives dropped, {@code ${ARG}} in FROM lines replaced by the global ARG
 * defaults, as BuildKit does.
 */
record Dockerfile(Path path, Map<String, String> globalArgs, List<Stage> stages) {

  record Instruction(String keyword, String arguments) {}

  record Stage(String name, String from, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Instruction last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? null : found.get(found.size() - 1);
    }
  }

  private static final Pattern FROM = Pattern.compile(
      "(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

  static Dockerfile parse(String relative) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Repository.read(relative).split("\n", -1)) {
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (!current.isEmpty() && trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      int space = text.indexOf(' ');
      instructions.add(new Instruction(text.substring(0, space).toUpperCase(),
          text.substring(space + 1).strip()));
    }

    Map<String, String> globals = new LinkedHashMap<>();
    List<Stage> stages = new ArrayList<>();
    List<Instruction> body = null;
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("FROM")) {
        Matcher m = FROM.matcher(instruction.arguments());
        if (!m.matches()) {
          throw new IllegalArgumentException(relative + ": FROM " + instruction.arguments());
        }
        body = new ArrayList<>();
        stages.add(new Stage(m.group(2), substitute(m.group(1), globals), body));
      } else if (body == null) {
        if (!instruction.keyword().equals("ARG")) {
          throw new IllegalArgumentException(relative + ": " + instruction.keyword()
              + " before the first FROM");
        }
        String[] nameValue = instruction.arguments().split("=", 2);
        globals.put(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
      } else {
        body.add(instruction);
      }
    }
    return new Dockerfile(Repository.file(relative), globals, stages);
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      if (!args.containsKey(name)) {
        throw new IllegalArgumentException("undefined ARG " + name + " in " + text);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(args.get(name)));
    }
    m.appendTail(out);
    return out.toString();
  }

  Stage stage(String name) {
    return stages.stream().filter(s -> name.equals(s.name())).findFirst()
        .orElseThrow(() -> new AssertionError(path + " has no stage " + name));
  }

  /** The stages {@code target} is built from, through FROM and COPY --from, itself included. */
  List<Stage> closure(String target) {
    List<Stage> result = new ArrayList<>();
    collect(stage(target), result);
    return result;
  }

  private void collect(Stage stage, List<Stage> into) {
    if (into.contains(stage)) {
      return;
    }
    into.add(stage);
    stages.stream().filter(s -> s.name() != null && s.name().equals(stage.from()))
        .forEach(s -> collect(s, into));
    for (Instruction copy : stage.all("COPY")) {
      Matcher m = Pattern.compile("--from=(\\S+)").matcher(copy.arguments());
      if (m.find()) {
        stages.stream().filter(s -> m.group(1).equals(s.name())).forEach(s -> collect(s, into));
      }
    }
  }
}
