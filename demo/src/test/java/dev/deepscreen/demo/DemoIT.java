package dev.deepscreen.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.streams.cli.VerdictTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deepscreen demo} end to end as a user runs it: {@code bin/deepscreen} of the full
 * distribution in a child process, the demo's broker and Connect worker loaded from lib/demo/.
 * Sample clips from the face photos (one with fake faces) and a file that is no video go through the broker, the
 * three stages and the S3 sink in a Connect worker. The scorer runs a one-model ensemble the
 * test exports, faster than the built-in one; the probabilities do not matter here.
 */
@Tag("integration")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DemoIT {

  @Test
  void sampleClipsGetVerdictsInTheTableAndInS3(@TempDir Path dir) throws Exception {
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    TinyModels.writeManifest(ensemble, "demo-it", TinyModels.manifestEntry("tiny", "tiny", 64, 1));
    Path work = dir.resolve("work");

    FullDistribution.Result run = FullDistribution.run(
        FullDistribution.FULL.resolve("bin/deepscreen"), Map.of(), 280, "demo", "--clips", "3",
        "--work-dir", work.toString(), "--ensemble", ensemble.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> lines = run.out().lines().toList();
    int header = lines.indexOf(VerdictTable.header() + "  EXPECTED");
    assertThat(header).as(run.out()).isNotNegative();
    List<String> rows = lines.subList(header + 1, header + 5);
    // Every other sample clip has fake faces, and the table says which.
    assertThat(rows).satisfiesExactly(
        row -> assertThat(row).startsWith("clip-01-sample1.mp4 ").contains(" OK ")
            .endsWith("  REAL"),
        row -> assertThat(row).startsWith("clip-02-sample2-sbi.mp4 ").contains(" OK ")
            .endsWith("  FAKE"),
        row -> assertThat(row).startsWith("clip-03-sample3.avi ").contains(" OK ")
            .endsWith("  REAL"),
        row -> assertThat(row).startsWith("not-a-video.mp4 ").contains(" UNREADABLE ")
            .endsWith("  UNKNOWN"));
    assertThat(run.out()).contains("Summary: 4 videos, 4 verdicts {OK=3, UNREADABLE=1}")
        .containsPattern("Labelled as expected: [0-3] of 3 clips \\(REAL [0-2]/2, FAKE [01]/1\\)\\."
            + " The ensemble is the one given with --ensemble");
    long matching = rows.subList(0, 3).stream().map(row -> row.split("\\s+"))
        .filter(cells -> cells[2].equals(cells[cells.length - 1])).count();
    assertThat(run.out()).contains("Labelled as expected: " + matching + " of 3 clips");
    assertThat(run.err()).contains("Submitted 4 videos to video-events.",
        "4/4 verdicts");

    // The sink wrote one JSON Lines object per verdict, as files of the S3 store's folder.
    Path objects = work.resolve("s3/deepscreen/topics/verdicts");
    assertThat(run.out()).contains("S3: 4 verdict objects (JSON Lines) in"
        + " s3://deepscreen/topics/verdicts/, kept as files under " + objects);
    List<JsonNode> stored = new ArrayList<>();
    try (Stream<Path> files = Files.walk(objects)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(file)) {
          stored.add(new ObjectMapper().readTree(line));
        }
      }
    }
    assertThat(stored).extracting(v -> v.get("video_id").asText()).containsExactlyInAnyOrder(
        "clip-01-sample1.mp4", "clip-02-sample2-sbi.mp4", "clip-03-sample3.avi", "not-a-video.mp4");
  }

  @Test
  void withReviewTheDemoEndsServingTheReviewPagesOnItsVerdicts(@TempDir Path dir)
      throws Exception {
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    TinyModels.writeManifest(ensemble, "demo-it", TinyModels.manifestEntry("tiny", "tiny", 64, 1));
    ProcessBuilder builder = new ProcessBuilder(
        FullDistribution.FULL.resolve("bin/deepscreen").toString(), "demo", "--clips", "1",
        "--work-dir", dir.resolve("work").toString(), "--ensemble", ensemble.toString(),
        "--review").redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.startsWith("DEEPSCREEN_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process demo = builder.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      Matcher review = null;
      while ((line = out.readLine()) != null) {
        Matcher m = Pattern.compile("Review the verdicts at (http://127\\.0\\.0\\.1:\\d+/?) as"
            + " demo, password (\\S+) \\(made for this run\\)").matcher(line);
        if (m.find()) {
          review = m;
          break;
        }
      }
      assertThat(review).as("the review line").isNotNull();
      HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(review.group(1))).build(), HttpResponse.BodyHandlers.ofString());
      // Not logged in: the server answers with its login page, or a redirect to it.
      assertThat(page.statusCode()).isIn(200, 302, 303);
      assertThat(page.statusCode() == 200 ? page.body()
          : page.headers().firstValue("location").orElse("")).containsIgnoringCase("login");
      assertThat(review.group(2)).hasSizeGreaterThanOrEqualTo(16);
      assertThat(out.readLine()).isEqualTo("Each decision is a record on review-decisions, and"
          + " the S3 sink writes it under " + dir.resolve("work/s3/deepscreen/topics/"
          + "review-decisions"));

      // A reviewer decides the demo's case; the decision reaches the S3 store through the sink.
      Reviewer reviewer = Reviewer.logIn(URI.create(review.group(1)), "demo", review.group(2));
      String eventId = reviewer.anyCase();
      assertThat(reviewer.decide(eventId, "ALLOW").statusCode()).isEqualTo(303);
      Path decisions = dir.resolve("work/s3/deepscreen/topics/review-decisions");
      List<JsonNode> stored = awaitObjects(decisions, 1);
      assertThat(stored).singleElement().satisfies(d -> {
        assertThat(d.get("event_id").asText()).isEqualTo(eventId);
        assertThat(d.get("decision").asText()).isEqualTo("ALLOW");
        assertThat(d.get("reviewer").asText()).isEqualTo("demo");
      });
    } finally {
      demo.destroy();
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
    }
  }

  /** The JSON Lines records of the objects under {@code folder}, once there are {@code n}. */
  private static List<JsonNode> awaitObjects(Path folder, int n) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<JsonNode> records = new ArrayList<>();
    while (records.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(200);
      records.clear();
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            for (String line : Files.readAllLines(file)) {
              records.add(json.readTree(line));
            }
          }
        }
      }
    }
    return records;
  }

  /** A reviewer's session on the review server, over plain HTTP with its forms' tokens. */
  private record Reviewer(HttpClient client, URI base, String cookie) {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern FORM = Pattern.compile("name=\"form\" value=\"([^\"]+)\"");
    private static final Pattern CASE = Pattern.compile("href=\"/cases/([0-9a-f-]{36})\"");

    static Reviewer logIn(URI base, String user, String password) throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> page = client.send(HttpRequest.newBuilder(base.resolve("/login"))
          .build(), HttpResponse.BodyHandlers.ofString());
      String anonymous = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      HttpResponse<String> login = client.send(HttpRequest.newBuilder(base.resolve("/login"))
          .header("Cookie", anonymous)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(form(Map.of("csrf", find(CSRF, page.body()), "user", user,
              "password", password))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
      return new Reviewer(client, base,
          login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]);
    }

    /** The event id of a case in any of the queue's tabs. */
    String anyCase() throws Exception {
      for (String action : List.of("REVIEW", "BLOCK", "ALLOW")) {
        Matcher m = CASE.matcher(get("/queue?action=" + action).body());
        if (m.find()) {
          return m.group(1);
        }
      }
      throw new AssertionError("no case in the queue");
    }

    HttpResponse<String> decide(String eventId, String decision) throws Exception {
      String page = get("/cases/" + eventId).body();
      return client.send(HttpRequest.newBuilder(base.resolve("/cases/" + eventId + "/decision"))
          .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(form(Map.of("csrf", find(CSRF, page), "form", find(FORM, page),
              "decision", decision))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path))
          .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      return response;
    }

    private static String find(Pattern pattern, String page) {
      Matcher m = pattern.matcher(page);
      assertThat(m.find()).as("%s in the page", pattern).isTrue();
      return m.group(1);
    }

    private static HttpRequest.BodyPublisher form(Map<String, String> fields) {
      return HttpRequest.BodyPublishers.ofString(fields.entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
              + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&")));
    }
  }
}
