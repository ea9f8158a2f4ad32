package dev.deepscreen.demo.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Recovery after SIGKILL, per variant of the stages' group settings, in one run: the same chaos
 * (seeded kills, one broker restart) against each. Run by {@code demo/bench/chaos.sh}. Not a
 * test.
 *
 * <p>Arguments: clips, stage kills, seed, then the variants to run by name.
 */
public final class ChaosBenchmark {

  /** The stages' settings per variant. */
  static final Map<String, Map<String, String>> VARIANTS = variants();

  private ChaosBenchmark() {}

  private static Map<String, Map<String, String>> variants() {
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    variants.put("dynamic", Map.of());
    variants.put("static", Map.of("group.instance.id", "instance-0"));
    variants.put("streams-protocol", Map.of("group.protocol", "streams"));
    return variants;
  }

  public static void main(String[] args) throws Exception {
    int clips = Integer.parseInt(args[0]);
    int kills = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    Path distribution = Path.of(args[3]);
    List<String> names = List.of(args).subList(4, args.length);
    for (String name : names) {
      Path work = Files.createTempDirectory("deepscreen-chaos-" + name + "-");
      System.out.println("== " + name + " " + VARIANTS.get(name) + " (work folder " + work + ")");
      ChaosRun run = new ChaosRun(work, distribution, new ChaosRun.Settings(clips,
          Duration.ofMillis(1500), kills, true, seed, VARIANTS.get(name)), System.out);
      ChaosRun.Result result = run.run();
      Map<String, Integer> wrong = result.wrong(run.submitted());
      Map<String, String> byProcess = result.recoveries().stream().collect(Collectors.groupingBy(
          ChaosRun.Recovery::process, LinkedHashMap::new, Collectors.mapping(
              r -> String.format(Locale.ROOT, "%.1f", r.outputSeconds()),
              Collectors.joining(" "))));
      System.out.printf(Locale.ROOT, "%s: %d events, %d without exactly one verdict %s;"
          + " restart to first output, s: %s; %.0f s in all%n", name, result.events(),
          wrong.size(), wrong, byProcess, result.seconds());
    }
  }
}
