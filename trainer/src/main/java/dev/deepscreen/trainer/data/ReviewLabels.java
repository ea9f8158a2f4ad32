package dev.deepscreen.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.trainer.CsvTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reviewers' decisions as a labelled data set in the {@link DatasetLayout#CSV} layout: BLOCK is
 * FAKE, ALLOW is REAL, ESCALATE is left out. The decisions are read from JSON Lines, one {@code
 * ReviewDecision} per line, as the review-decisions S3 sink writes them ({@code format=json}).
 * As on the compacted topic, the latest decision on an event wins. Each decision's video URI is
 * turned into a local file: {@code file:} URIs directly, others through prefix mappings (an
 * {@code s3://bucket/} prefix to the folder a bucket was synced to).
 */
public final class ReviewLabels {

  /** What the export did; {@code problems} name the file and line or the event. */
  public record Summary(int decisions, int fake, int real, int escalated, int skipped,
      List<String> problems) {}

  /** The data set's columns: the CSV layout's path and label, and where each label came from. */
  public static final List<String> HEADER = List.of("path", "label", "event_id", "video_id",
      "reviewer", "decided_at");

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Decision(String eventId, String videoId, String uri, String decision,
      String reviewer, long decidedAt, String where) {}

  private final Map<String, Path> prefixes;

  /** @param prefixes URI prefix to the local folder its objects are in */
  public ReviewLabels(Map<String, Path> prefixes) {
    this.prefixes = new TreeMap<>(Comparator.comparingInt(String::length).reversed()
        .thenComparing(Comparator.naturalOrder()));
    this.prefixes.putAll(prefixes);
  }

  /**
   * Reads the decisions in {@code inputs} (files, or folders searched for {@code .json} and
   * {@code .jsonl} files) and writes {@code csv}.
   *
   * @throws DatasetFormatException when no decision gives a label
   */
  public Summary export(List<Path> inputs, Path csv) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Decision> latest = new LinkedHashMap<>();
    int read = 0;
    for (Path file : files(inputs)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        int number = 0;
        while ((line = in.readLine()) != null) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          Decision decision;
          try {
            decision = parse(line, file + " line " + number);
          } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            continue;
          }
          read++;
          latest.merge(decision.eventId(), decision,
              (a, b) -> b.decidedAt() >= a.decidedAt() ? b : a);
        }
      }
    }
    Map<Path, List<String>> rows = new LinkedHashMap<>();
    Map<Path, Decision> sources = new LinkedHashMap<>();
    int escalated = 0;
    int skipped = 0;
    for (Decision d : latest.values()) {
      String label = switch (d.decision()) {
        case "BLOCK" -> Label.FAKE.name();
        case "ALLOW" -> Label.REAL.name();
        default -> null;
      };
      if (label == null) {
        escalated++;
        continue;
      }
      Path video = localFile(d.uri());
      if (video == null || !Files.isRegularFile(video)) {
        skipped++;
        problems.add("event " + d.eventId() + ": " + (video == null ? "no local file for "
            + d.uri() + " (map its prefix with --map)" : "no such file " + video));
        continue;
      }
      video = video.toAbsolutePath().normalize();
      Decision earlier = sources.get(video);
      if (earlier != null) {
        if (!rows.get(video).get(1).equals(label)) {
          skipped += 2;
          rows.remove(video);
          problems.add("events " + earlier.eventId() + " and " + d.eventId() + " label the same"
              + " video " + video + " differently; both left out");
        }
        continue;
      }
      sources.put(video, d);
      rows.put(video, List.of(video.toString(), label, d.eventId(), d.videoId(), d.reviewer(),
          java.time.Instant.ofEpochMilli(d.decidedAt()).toString()));
    }
    if (rows.isEmpty()) {
      throw new DatasetFormatException("No labels: " + read + " decisions read, " + escalated
          + " escalated, " + skipped + " without a readable video"
          + (problems.isEmpty() ? "" : "; first problem: " + problems.get(0)));
    }
    Files.createDirectories(csv.toAbsolutePath().getParent());
    List<List<String>> sorted = new ArrayList<>(rows.values());
    sorted.sort(Comparator.comparing(r -> r.get(0)));
    CsvTable.write(csv, HEADER, sorted);
    int fake = (int) sorted.stream().filter(r -> r.get(1).equals(Label.FAKE.name())).count();
    return new Summary(read, fake, sorted.size() - fake, escalated, skipped,
        List.copyOf(problems));
  }

  private static Decision parse(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": not a JSON object");
    }
    String eventId = text(node, "event_id", where);
    String decision = text(node, "decision", where).toUpperCase(Locale.ROOT);
    JsonNode decidedAt = node.get("decided_at");
    if (decidedAt == null || !decidedAt.canConvertToLong()) {
      throw new IllegalArgumentException(where + ": decided_at is not epoch milliseconds");
    }
    return new Decision(eventId, text(node, "video_id", where), text(node, "uri", where),
        decision, text(node, "reviewer", where), decidedAt.asLong(), where);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": no " + field + "; is this a review"
          + " decision?");
    }
    return value.asText();
  }

  /** The local file of {@code uri}, or null when neither a file: URI nor a mapped prefix. */
  Path localFile(String uri) {
    for (Map.Entry<String, Path> prefix : prefixes.entrySet()) {
      if (uri.startsWith(prefix.getKey())) {
        String rest = uri.substring(prefix.getKey().length());
        Path folder = prefix.getValue().toAbsolutePath().normalize();
        Path file = folder.resolve(java.net.URLDecoder.decode(rest.replace("+", "%2B"),
            StandardCharsets.UTF_8)).normalize();
        return file.startsWith(folder) ? file : null; // no way out of the folder with ..
      }
    }
    if (uri.startsWith("file:")) {
      try {
        return Path.of(new URI(uri));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static List<Path> files(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> walk = Files.walk(input)) {
          walk.filter(Files::isRegularFile).filter(p -> {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".json") || name.endsWith(".jsonl");
          }).sorted().forEach(files::add);
        }
      } else if (Files.isRegularFile(input)) {
        files.add(input);
      } else {
        throw new DatasetFormatException("No such file or folder: " + input);
      }
    }
    if (files.isEmpty()) {
      throw new DatasetFormatException("No .json or .jsonl files in " + inputs);
    }
    return files;
  }
}
