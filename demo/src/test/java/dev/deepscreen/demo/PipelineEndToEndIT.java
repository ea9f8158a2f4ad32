package dev.deepscreen.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.StageInstance;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.cli.CliRun;
import dev.deepscreen.streams.cli.Stages;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.score.ScoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline end to end: eight clips made from the real face photos and the hostile
 * files of the extraction stage's list, submitted with {@code deepscreen submit} to a real
 * in-process broker, through the three stages under exactly-once, and sunk to S3 by the S3 sink
 * in a real Connect worker. Exactly one verdict per event, with the status the input deserves,
 * and the S3 objects hold exactly those verdicts. The scorer runs a one-model ensemble the test
 * exports (faster than the built-in one; the probabilities do not matter here).
 */
@Tag("integration")
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class PipelineEndToEndIT {

  private static final Duration DEADLINE = Duration.ofMinutes(5);

  @TempDir
  Path dir;

  @Test
  void everyEventGetsExactlyOneVerdictInTheTopicAndInS3() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    Map<String, VerdictStatus> expected = new HashMap<>();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String photo = "sample" + (i % 6 + 1) + ".jpg";
      Codec codec = i % 2 == 0 ? Codec.H264_MP4 : Codec.MPEG4_AVI;
      Path clip = SampleClips.panningClip(videos.resolve("clip-" + i + "." + codec.extension()),
          photo, codec, 320, 180, 24, 24, 0);
      files.add(clip.toString());
      expected.put(clip.toUri().toString(), VerdictStatus.OK);
    }
    Path empty = Files.createFile(videos.resolve("empty.mp4"));
    Path text = Files.writeString(videos.resolve("text.mp4"), "this is no video\n");
    byte[] whole = Files.readAllBytes(Path.of(files.get(0)));
    Path truncated = Files.write(videos.resolve("truncated.mp4"),
        Arrays.copyOf(whole, whole.length / 3));
    Path playlist = Files.writeString(videos.resolve("playlist.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
    for (Path bad : List.of(empty, text, truncated, playlist)) {
      files.add(bad.toString());
    }
    String outsideRoots = "file:///etc/hostname";
    files.add(outsideRoots);

    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    TinyModels.writeManifest(ensemble, "e2e", TinyModels.manifestEntry("tiny", "tiny", 64, 1));

    try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dir.resolve("work"), videos,
        ensemble, step -> { })) {
      Map<String, String> env = new HashMap<>();
      pipeline.clientSettings().forEach((name, value) ->
          env.put("DEEPSCREEN_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
      CliRun submitted = CliRun.run(env, concat("submit", files));
      assertThat(submitted.exitCode()).as(submitted.err()).isZero();
      Map<String, String> uriByEvent = submitted.out().lines()
          .map(line -> line.split("\t"))
          .collect(Collectors.toMap(f -> f[0], f -> f[2]));
      assertThat(uriByEvent).hasSize(13);

      String scope = pipeline.clientSettings().get("schema.registry.url")
          .substring("mock://".length());
      try (CommittedTopicReader<Verdict> verdicts = new CommittedTopicReader<>(
          pipeline.clientSettings().get("bootstrap.servers"), Topics.VERDICTS,
          InMemorySchemaRegistry.forScope(scope), DEADLINE)) {
        verdicts.awaitUntil(all -> all.stream().map(ConsumerRecord::key).distinct().count()
            >= uriByEvent.size());
        // Long enough for a duplicate to show, were one coming: a few commit intervals.
        Thread.sleep(2_000);
        verdicts.readToEnd();

        Map<String, List<Verdict>> byEvent = verdicts.records().stream().collect(
            Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertThat(byEvent.keySet()).containsExactlyInAnyOrderElementsOf(uriByEvent.keySet());
        assertThat(byEvent.values()).allSatisfy(list -> assertThat(list).hasSize(1));
        Map<String, VerdictStatus> statusByUri = new HashMap<>();
        byEvent.forEach((event, list) -> statusByUri.put(uriByEvent.get(event),
            list.get(0).getStatus()));
        expected.forEach((uri, status) -> assertThat(statusByUri.get(uri)).as(uri)
            .isEqualTo(status));
        for (Path bad : List.of(empty, text, truncated)) {
          assertThat(statusByUri.get(bad.toUri().toString())).as(bad.toString())
              .isIn(VerdictStatus.UNREADABLE, VerdictStatus.REJECTED);
        }
        assertThat(statusByUri.get(playlist.toUri().toString())).isEqualTo(
            VerdictStatus.REJECTED);
        assertThat(statusByUri.get(outsideRoots)).isEqualTo(VerdictStatus.REJECTED);

        // The S3 sink: exactly the verdicts, one object each.
        List<JsonNode> stored = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        ObjectMapper json = new ObjectMapper();
        while (true) {
          stored.clear();
          for (Path object : pipeline.verdictObjectFiles()) {
            for (String line : Files.readAllLines(object)) {
              stored.add(json.readTree(line));
            }
          }
          if (stored.size() >= byEvent.size() || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(200);
        }
        assertThat(stored).extracting(v -> v.get("event_id").asText())
            .containsExactlyInAnyOrderElementsOf(byEvent.keySet());
        for (JsonNode object : stored) {
          assertThat(object.get("status").asText()).isEqualTo(
              byEvent.get(object.get("event_id").asText()).get(0).getStatus().name());
        }
      }
    }
  }

  @Test
  void aStageStoppedAndRestartedMidRunStillGivesExactlyOneVerdictPerEvent() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Codec codec = i % 2 == 0 ? Codec.H264_MP4 : Codec.MPEG4_AVI;
      files.add(SampleClips.panningClip(videos.resolve("clip-" + i + "." + codec.extension()),
          "sample" + (i % 6 + 1) + ".jpg", codec, 320, 180, 24, 24, 0).toString());
    }
    files.add(Files.writeString(videos.resolve("text.mp4"), "this is no video\n").toString());
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    TinyModels.writeManifest(ensemble, "e2e", TinyModels.manifestEntry("tiny", "tiny", 64, 1));
    String scope = "e2e-restart-" + UUID.randomUUID();
    InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);

    try (InProcessKafkaCluster kafka = InProcessKafkaCluster.start()) {
      kafka.createTopics(Topics.all());
      Map<String, String> settings = new HashMap<>();
      settings.put("bootstrap.servers", kafka.bootstrapServers());
      settings.put("schema.registry.url", "mock://" + scope);
      settings.put("commit.interval.ms", "100");
      settings.put(ExtractConfig.FILE_ROOTS_CONFIG, videos.toString());
      settings.put(ExtractConfig.FRAMES_PER_VIDEO_CONFIG, "8");
      settings.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, ensemble.toString());
      Map<String, StageRunner<?>> runners = Stages.BY_NAME;
      Map<String, StageInstance> running = new HashMap<>();
      try {
        for (String stage : List.of("extract", "score", "aggregate")) {
          running.put(stage, start(runners.get(stage), settings, stage, registry));
        }
        Map<String, String> env = Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
            "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://" + scope);
        CliRun submitted = CliRun.run(env, concat("submit", files));
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        List<String> events = submitted.out().lines().map(l -> l.split("\t")[0]).toList();

        try (CommittedTopicReader<Verdict> verdicts = new CommittedTopicReader<>(
            kafka.bootstrapServers(), Topics.VERDICTS, registry, DEADLINE)) {
          // The scorer is stopped once the first verdicts are out, while the rest are on
          // their way, then started again with a new state directory.
          verdicts.awaitUntil(all -> all.size() >= 2);
          running.remove("score").close();
          settings.put("state.dir", dir.resolve("score-state-2").toString());
          running.put("score", start(runners.get("score"), settings, "score", registry));

          verdicts.awaitUntil(all -> all.stream().map(ConsumerRecord::key).distinct().count()
              >= events.size());
          Thread.sleep(2_000);
          verdicts.readToEnd();
          Map<String, Long> counts = verdicts.records().stream().collect(
              Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
          assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(events);
          assertThat(counts.values()).containsOnly(1L);
          assertThat(verdicts.records()).extracting(r -> r.value().getStatus())
              .filteredOn(status -> status == VerdictStatus.OK).hasSize(10);
        }
      } finally {
        running.values().forEach(StageInstance::close);
        InMemorySchemaRegistry.dropScope(scope);
      }
    }
  }

  private StageInstance start(StageRunner<?> runner, Map<String, String> settings, String stage,
      InMemorySchemaRegistry registry) {
    Map<String, String> own = new HashMap<>(settings);
    own.putIfAbsent("state.dir", dir.resolve(stage + "-state").toString());
    StageInstance instance = runner.configure(own).create(registry, new SimpleMeterRegistry());
    instance.start();
    return instance;
  }

  private static String[] concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all.toArray(String[]::new);
  }
}
