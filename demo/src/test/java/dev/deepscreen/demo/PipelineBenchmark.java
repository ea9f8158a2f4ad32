package dev.deepscreen.demo;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.aggregate.VerdictFactory;
import dev.deepscreen.streams.batch.BatchScreening;
import dev.deepscreen.streams.cli.CliRun;
import dev.deepscreen.streams.cli.ThreadCpu;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.streams.extract.ExtractConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Videos per minute and event-to-verdict latency of the streaming path (the embedded pipeline of
 * the demo: broker, three stages, S3 sink) against the offline batch path on the same clips, in
 * one run, both with the built-in ensemble. Run by {@code demo/bench/pipeline.sh}. Not a test.
 *
 * <p>Arguments: clips, seconds per clip, width, height, batch parallelism, measured rounds,
 * warm-up rounds.
 */
public final class PipelineBenchmark {

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int width = Integer.parseInt(args[2]);
    int height = Integer.parseInt(args[3]);
    int parallelism = Integer.parseInt(args[4]);
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    int warmUps = args.length > 6 ? Integer.parseInt(args[6]) : 2;
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

    // Both paths in one JVM, in alternating rounds after warm-up rounds of each, so that each
    // pair of rounds sees the same machine and neither pays for the other's JIT compilation
    // (the broker, Connect and three stages keep the compiler busy for several rounds).
    Map<String, Object> settings = new HashMap<>(Map.of("bootstrap.servers", "offline:0",
        "schema.registry.url", "mock://offline", ExtractConfig.FILE_ROOTS_CONFIG,
        videos.toString()));
    List<double[]> results = new ArrayList<>();
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(work.resolve("stream"), videos, null,
        step -> { });
        Ensemble ensemble = BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS)) {
      Map<String, String> env = new HashMap<>();
      pipeline.clientSettings().forEach((name, value) ->
          env.put("DEEPSCREEN_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
      String scope = pipeline.clientSettings().get("schema.registry.url").substring(7);
      BatchScreening screening = new BatchScreening(new ExtractConfig(settings), 32, ensemble,
          VerdictFactory.of(new AggregateConfig(settings)), parallelism, Clock.systemUTC());
      try (CommittedTopicReader<Verdict> verdicts = new CommittedTopicReader<>(
          pipeline.clientSettings().get("bootstrap.servers"), Topics.VERDICTS,
          InMemorySchemaRegistry.forScope(scope), Duration.ofMinutes(30))) {
        for (int round = 0; round < warmUps + rounds; round++) {
          String name = round < warmUps ? "warm-up " + (round + 1)
              : "round " + (round - warmUps + 1);
          Map<String, Long> requests = brokerRequests();
          double[] stream = streamRound(name, env, files, verdicts, round);
          StringBuilder line = new StringBuilder("  broker requests in the stream round:");
          brokerRequests().forEach((api, total) -> {
            long served = total - requests.getOrDefault(api, 0L);
            if (served > 0) {
              line.append(' ').append(api).append('=').append(served);
            }
          });
          System.out.println(line);
          double batch = batchRound(name, screening, files);
          if (round >= warmUps) {
            results.add(new double[] {stream[0], stream[1], stream[2], batch});
          }
        }
      }
    }
    System.out.println("round stream_videos_per_min latency_p50_s latency_p95_s"
        + " batch_videos_per_min stream/batch");
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < results.size(); r++) {
      double[] x = results.get(r);
      ratios.add(x[0] / x[3]);
      System.out.printf(Locale.ROOT, "%d %.1f %.1f %.1f %.1f %.2f%n", r + 1, x[0], x[1], x[2],
          x[3], x[0] / x[3]);
    }
    ratios.sort(Double::compare);
    int middle = ratios.size() / 2;
    double median = ratios.size() % 2 == 1 ? ratios.get(middle)
        : (ratios.get(middle - 1) + ratios.get(middle)) / 2;
    System.out.printf(Locale.ROOT, "median stream/batch=%.2f (batch parallelism %d)%n", median,
        parallelism);
  }

  /**
   * Submits every clip at once, as a burst of uploads, and waits for their verdicts.
   *
   * @return videos per minute, p50 and p95 event-to-verdict latency in seconds
   */
  private static double[] streamRound(String name, Map<String, String> env, List<String> files,
      CommittedTopicReader<Verdict> verdicts, int round) throws Exception {
    int count = files.size();
    int before = count * round;
    List<String> submit = new ArrayList<>(List.of("submit"));
    submit.addAll(files);
    Map<String, double[]> threads = ThreadCpu.snapshot();
    double cpu = ThreadCpu.processSeconds();
    long start = System.nanoTime();
    CliRun run = CliRun.run(env, submit.toArray(String[]::new));
    if (run.exitCode() != 0) {
      throw new IllegalStateException(run.err());
    }
    double submitted = (System.nanoTime() - start) / 1e9;
    verdicts.awaitUntil(all -> all.size() >= before + count);
    long end = System.currentTimeMillis();
    double withClient = (System.nanoTime() - start) / 1e9;
    List<ConsumerRecord<String, Verdict>> records = verdicts.records();
    // From the first event's submission to the last verdict read: the pipeline's window,
    // without the submitting command's own start-up (a client's cost, in another process in
    // a real deployment).
    long first = records.subList(before, records.size()).stream()
        .mapToLong(r -> r.value().getSubmittedAt().toEpochMilli()).min().orElseThrow();
    double elapsed = (end - first) / 1000.0;
    double spent = ThreadCpu.processSeconds() - cpu;
    System.out.printf(Locale.ROOT, "%s, stream: %.1f s from the first submission to the last"
        + " verdict (%.1f s with the submit command, which took %.1f s), process CPU %.1f s;"
        + " by thread (under 0.05 s left out):%n%s", name, elapsed, withClient, submitted,
        spent, ThreadCpu.between(threads, ThreadCpu.snapshot(), spent));
    System.out.println("  video partition faces extract_ms score_ms aggregate_ms end_to_end_ms");
    List<Long> latencies = new ArrayList<>();
    for (ConsumerRecord<String, Verdict> record : records.subList(before, records.size())) {
      Verdict verdict = record.value();
      latencies.add(verdict.getTimings().getEndToEndMs());
      System.out.printf(Locale.ROOT, "  %s %d %d %d %s %s %d%n", verdict.getVideoId(),
          record.partition(), verdict.getFacesScored(), verdict.getTimings().getExtractMs(),
          verdict.getTimings().getScoreMs(), verdict.getTimings().getAggregateMs(),
          verdict.getTimings().getEndToEndMs());
    }
    latencies.sort(Long::compare);
    return new double[] {count / elapsed * 60, percentile(latencies, 0.5) / 1000.0,
        percentile(latencies, 0.95) / 1000.0};
  }

  /** Screens the clips with the batch path; returns videos per minute. */
  private static double batchRound(String name, BatchScreening screening, List<String> files)
      throws Exception {
    Map<String, double[]> threads = ThreadCpu.snapshot();
    double cpu = ThreadCpu.processSeconds();
    long start = System.nanoTime();
    screening.screen(files.stream().map(Path::of).toList(), r -> { });
    double elapsed = (System.nanoTime() - start) / 1e9;
    double spent = ThreadCpu.processSeconds() - cpu;
    System.out.printf(Locale.ROOT, "%s, batch: %.1f s, process CPU %.1f s; by thread:%n%s",
        name, elapsed, spent, ThreadCpu.between(threads, ThreadCpu.snapshot(), spent));
    return files.size() / elapsed * 60;
  }

  /**
   * Requests the in-process broker has served so far, by API, from its JMX metrics (it runs in
   * this JVM): many small Produce requests, for one, cost the broker more than their bytes.
   */
  private static Map<String, Long> brokerRequests() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Long> served = new TreeMap<>();
    for (ObjectName name : server.queryNames(
        new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
      served.merge(name.getKeyProperty("request"),
          ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
    }
    return served;
  }

  private static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
