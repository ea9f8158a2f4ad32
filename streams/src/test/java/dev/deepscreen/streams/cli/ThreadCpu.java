package dev.deepscreen.streams.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds of this process's threads by name (Linux {@code /proc/self/task}), native threads
 * included, for benchmarks to show where a run's time went. Names are grouped with their digits
 * dropped, so that {@code ...-StreamThread-1} and {@code -2} add up.
 */
public final class ThreadCpu {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private ThreadCpu() {}

  /** CPU seconds (user + system) per thread id, with the thread's name. */
  public static Map<String, double[]> snapshot() throws IOException {
    Map<String, double[]> threads = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return threads;
    }
    try (Stream<Path> list = Files.list(tasks)) {
      for (Path task : list.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          threads.put(task.getFileName() + " " + name, new double[] {cpuSeconds(stat)});
        } catch (IOException | RuntimeException e) {
          // The thread ended between the listing and the read.
        }
      }
    }
    return threads;
  }

  /** CPU seconds (user + system) of the whole process so far, ended threads included. */
  public static double processSeconds() throws IOException {
    Path stat = Path.of("/proc/self/stat");
    if (!Files.isRegularFile(stat)) {
      return Double.NaN;
    }
    return cpuSeconds(Files.readString(stat));
  }

  /** utime + stime of a {@code stat} line, after the name (which may hold spaces). */
  private static double cpuSeconds(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /**
   * The CPU seconds spent between two snapshots, by thread name group, largest first; with the
   * process's CPU over the same interval, the rest is shown as threads that ended in between.
   */
  public static String between(Map<String, double[]> before, Map<String, double[]> after,
      double processSeconds) {
    Map<String, Double> groups = new TreeMap<>();
    double live = 0;
    for (Map.Entry<String, double[]> thread : after.entrySet()) {
      String id = thread.getKey();
      double spent = thread.getValue()[0] - (before.containsKey(id) ? before.get(id)[0] : 0);
      live += spent;
      String group = id.substring(id.indexOf(' ') + 1).replaceAll("[0-9]+", "#");
      groups.merge(group, spent, Double::sum);
    }
    groups.put("(threads that ended)", processSeconds - live);
    StringBuilder out = new StringBuilder();
    groups.entrySet().stream().filter(e -> e.getValue() >= 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.append(String.format(Locale.ROOT, "  %-32s %6.2f s%n", e.getKey(),
            e.getValue())));
    return out.toString();
  }
}
