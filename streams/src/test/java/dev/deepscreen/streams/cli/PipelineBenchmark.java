package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.aggregate.VerdictFactory;
import dev.deepscreen.streams.batch.BatchScreening;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.inference.BuiltInEnsemble;
import dev.deepscreen.streams.inference.Ensemble;
import dev.deepscreen.streams.inference.TensorFlowOptions;
import dev.deepscreen.streams.media.ClipWriter.Codec;
import dev.deepscreen.streams.media.SampleClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Videos per minute and event-to-verdict latency of the streaming path (the embedded pipeline of
 * the demo: broker, three stages, S3 sink) against the offline batch path on the same clips, in
 * one run, both with the built-in ensemble. Run by {@code streams/bench/pipeline.sh}. Not a test.
 *
 * <p>Arguments: clips, seconds per clip, width, height, batch parallelism.
 */
public final class PipelineBenchmark {

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int width = Integer.parseInt(args[2]);
    int height = Integer.parseInt(args[3]);
    int parallelism = Integer.parseInt(args[4]);
    Path work = Files.createTempDirectory("pipeline-bench");
    Path videos = Files.createDirectories(work.resolve("videos"));
    List<String> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(SampleClips.panningClip(videos.resolve("clip-" + i + ".mp4"),
          "sample" + (i % 6 + 1) + ".jpg", Codec.H264_MP4, width, height, seconds * 30, 30, 0,
          250, -1).toString());
    }
    System.out.printf(Locale.ROOT, "%d clips of %d s at %dx%d, cores %d%n", count, seconds,
        width, height, Runtime.getRuntime().availableProcessors());

    // Streaming: every clip submitted at once, as a burst of uploads.
    double streamPerMinute;
    List<Long> latencies = new ArrayList<>();
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(work.resolve("stream"), videos, null,
        step -> { })) {
      Map<String, String> env = new HashMap<>();
      pipeline.clientSettings().forEach((name, value) ->
          env.put("DEEPSCREEN_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
      String scope = pipeline.clientSettings().get("schema.registry.url").substring(7);
      try (CommittedTopicReader<Verdict> verdicts = new CommittedTopicReader<>(
          pipeline.clientSettings().get("bootstrap.servers"), Topics.VERDICTS,
          InMemorySchemaRegistry.forScope(scope), Duration.ofMinutes(30))) {
        List<String> submit = new ArrayList<>(List.of("submit"));
        submit.addAll(files);
        long start = System.nanoTime();
        CliRun run = CliRun.run(env, submit.toArray(String[]::new));
        if (run.exitCode() != 0) {
          throw new IllegalStateException(run.err());
        }
        verdicts.awaitUntil(all -> all.size() >= count);
        double elapsed = (System.nanoTime() - start) / 1e9;
        streamPerMinute = count / elapsed * 60;
        System.out.println("per video: video partition faces extract_ms score_ms aggregate_ms"
            + " end_to_end_ms");
        for (ConsumerRecord<String, Verdict> record : verdicts.records()) {
          Verdict verdict = record.value();
          latencies.add(verdict.getTimings().getEndToEndMs());
          System.out.printf(Locale.ROOT, "  %s %d %d %d %s %s %d%n", verdict.getVideoId(),
              record.partition(), verdict.getFacesScored(), verdict.getTimings().getExtractMs(),
              verdict.getTimings().getScoreMs(), verdict.getTimings().getAggregateMs(),
              verdict.getTimings().getEndToEndMs());
        }
      }
    }
    latencies.sort(Long::compare);

    // Offline: the same clips through BatchScreening.
    Map<String, Object> settings = new HashMap<>(Map.of("bootstrap.servers", "offline:0",
        "schema.registry.url", "mock://offline", ExtractConfig.FILE_ROOTS_CONFIG,
        videos.toString()));
    double batchPerMinute;
    try (Ensemble ensemble = BuiltInEnsemble.load(TensorFlowOptions.CPU_DEFAULTS)) {
      BatchScreening screening = new BatchScreening(new ExtractConfig(settings), 32, ensemble,
          VerdictFactory.of(new AggregateConfig(settings)), parallelism, Clock.systemUTC());
      long start = System.nanoTime();
      screening.screen(files.stream().map(Path::of).toList(), r -> { });
      batchPerMinute = count / ((System.nanoTime() - start) / 1e9) * 60;
    }
    System.out.printf(Locale.ROOT, "stream videos_per_min=%.1f latency_p50_s=%.1f"
            + " latency_p95_s=%.1f%nbatch videos_per_min=%.1f (parallelism %d)%n"
            + "stream/batch=%.2f%n", streamPerMinute, percentile(latencies, 0.5) / 1000.0,
        percentile(latencies, 0.95) / 1000.0, batchPerMinute, parallelism,
        streamPerMinute / batchPerMinute);
  }

  private static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
