package dev.deepscreen.streams.bench;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.StageInstance;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.streams.score.FaceScorer;
import dev.deepscreen.streams.score.ScoreApp;
import dev.deepscreen.streams.score.ScoreConfig;
import dev.deepscreen.streams.score.TestCrops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Crops per second of an ensemble at several batch sizes, two ways in the same run: a bare loop
 * running the SavedModels over tensors prepared once, and the scoring stage itself on an
 * in-process broker under exactly_once_v2 (JPEG decoding, preprocessing, batching, Kafka), and
 * between the two the stage's scorer without Kafka (decoding, preprocessing, models). Run
 * by {@code streams/bench/scoring.sh}. Not a test.
 *
 * <p>Arguments: ensemble directory (or {@code builtin}), crops per stream run, seconds per bare
 * loop, then batch sizes.
 */
public final class ScoringBenchmark {

  public static void main(String[] args) throws Exception {
    String source = args[0];
    int crops = Integer.parseInt(args[1]);
    double bareSeconds = Double.parseDouble(args[2]);
    List<Integer> batches = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      batches.add(Integer.parseInt(args[i]));
    }
    try (Ensemble ensemble = load(source)) {
      int cropSize = ensemble.members().get(0).spec().inputSize();
      List<byte[]> faces = TestCrops.realFaces(cropSize);
      System.out.printf("ensemble %s (%s), crops %dpx, cores %d%n", ensemble.version(),
          ensemble.members().stream().map(m -> m.spec().name() + "@" + m.spec().inputSize())
              .toList(), cropSize, Runtime.getRuntime().availableProcessors());
      for (int batch : batches) {
        double bare = bareLoop(ensemble, faces, batch, bareSeconds);
        double scorer = scorerLoop(ensemble, faces, cropSize, batch, bareSeconds);
        double stream = stream(source, faces, cropSize, batch, crops);
        System.out.printf("batch=%d bare_crops_per_s=%.1f scorer_crops_per_s=%.1f"
            + " stream_crops_per_s=%.1f stream/bare=%.2f scorer/bare=%.2f%n", batch, bare, scorer,
            stream, stream / bare, scorer / bare);
      }
    }
  }

  private static Ensemble load(String source) {
    return source.equals("builtin") ? BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS)
        : Ensemble.load(Path.of(source));
  }

  /** Every model over one prepared batch, again and again: the ceiling for the stage. */
  private static double bareLoop(Ensemble ensemble, List<byte[]> faces, int batch,
      double seconds) {
    List<FaceBatch> inputs = new ArrayList<>();
    for (Ensemble.Member member : ensemble.members()) {
      int size = member.preprocessor().inputSize();
      FaceBatch input = member.newBatch(batch);
      inputs.add(input);
      for (int i = 0; i < batch; i++) {
        try (Mat face = FacePreprocessor.decode(faces.get(i % faces.size()), size, size)) {
          member.preprocessor().write(face, input, i);
        }
      }
    }
    for (int warmUp = 0; warmUp < 3; warmUp++) {
      runAll(ensemble, inputs);
    }
    long start = System.nanoTime();
    long runs = 0;
    while (System.nanoTime() - start < seconds * 1e9 || runs < 3) {
      runAll(ensemble, inputs);
      runs++;
    }
    return runs * batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The scoring stage's own code without Kafka: JPEG decoding, preprocessing, tensors, every
   * model, over the same crops again and again. What the stream adds on top of it is Kafka.
   */
  private static double scorerLoop(Ensemble ensemble, List<byte[]> faces, int cropSize,
      int batch, double seconds) {
    List<FaceCrop> crops = new ArrayList<>();
    UUID event = UUID.randomUUID();
    for (int i = 0; i < batch; i++) {
      crops.add(TestCrops.crop(event, i, 0, faces.get(i % faces.size()), cropSize));
    }
    FaceScorer scorer = new FaceScorer(ensemble);
    for (int warmUp = 0; warmUp < 3; warmUp++) {
      scorer.score(crops);
    }
    long start = System.nanoTime();
    long runs = 0;
    while (System.nanoTime() - start < seconds * 1e9 || runs < 3) {
      scorer.score(crops);
      runs++;
    }
    return runs * batch / ((System.nanoTime() - start) / 1e9);
  }

  private static void runAll(Ensemble ensemble, List<FaceBatch> inputs) {
    for (int m = 0; m < inputs.size(); m++) {
      ensemble.members().get(m).model().logits(inputs.get(m));
    }
  }

  /**
   * The stage on a fresh broker, the crops produced before it starts. Throughput from the first
   * score to the last, read with read_committed, so that start-up does not count.
   */
  private static double stream(String source, List<byte[]> faces, int cropSize, int batch,
      int crops) throws Exception {
    String scope = "bench-" + UUID.randomUUID();
    Path state = Files.createTempDirectory("score-bench");
    try (InProcessKafkaCluster kafka = InProcessKafkaCluster.start()) {
      kafka.createTopics(Topics.all());
      InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
      try (KafkaProducer<String, FaceCrop> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(),
          Topics.FACE_CROPS.valueSerde(registry, true).serializer())) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < crops; i++) {
          UUID event = new UUID(0, i / 32);
          sent.add(producer.send(new ProducerRecord<>(Topics.FACE_CROPS.name(), event.toString(),
              TestCrops.crop(event, i % 32, 0, faces.get(i % faces.size()), cropSize))));
        }
        for (Future<RecordMetadata> future : sent) {
          future.get(60, TimeUnit.SECONDS);
        }
      }
      Map<String, Object> settings = new HashMap<>();
      settings.put("bootstrap.servers", kafka.bootstrapServers());
      settings.put("schema.registry.url", "mock://" + scope);
      settings.put("application.id", "score-bench-" + batch);
      settings.put("state.dir", state.toString());
      if (!source.equals("builtin")) {
        settings.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, source);
      }
      settings.put(ScoreConfig.BATCH_MAX_SIZE_CONFIG, batch);
      settings.put(ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG, 100);
      try (CommittedTopicReader<FaceScore> scores = new CommittedTopicReader<>(
              kafka.bootstrapServers(), Topics.FACE_SCORES, registry, Duration.ofMinutes(30));
          StageInstance stage = ScoreApp.RUNNER.create(new ScoreConfig(settings), registry)) {
        stage.start();
        scores.awaitUntil(all -> !all.isEmpty());
        long first = System.nanoTime();
        int firstCount = scores.records().size();
        scores.awaitUntil(all -> all.size() >= crops);
        double seconds = (System.nanoTime() - first) / 1e9;
        return (crops - firstCount) / seconds;
      } finally {
        InMemorySchemaRegistry.dropScope(scope);
      }
    }
  }
}
