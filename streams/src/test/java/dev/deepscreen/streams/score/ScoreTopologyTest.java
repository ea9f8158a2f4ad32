package dev.deepscreen.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.PipelineMetric;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.inference.ScoreOutput;
import dev.deepscreen.core.inference.TinyModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.bytedeco.opencv.opencv_core.Mat;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring topology in TopologyTestDriver, with real TensorFlow sessions over SavedModels the
 * test exports: when batches are scored, what each score says, and what happens to bad crops.
 */
class ScoreTopologyTest {

  private static final int CROP = 64;
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

  @TempDir
  static Path dir;
  private static Ensemble ensemble;
  /** A SavedModel and an ONNX model (two-class logits, NCHW) in one ensemble. */
  private static Ensemble mixed;
  private static List<byte[]> faces;

  private final String scope = "score-" + UUID.randomUUID();
  private InMemorySchemaRegistry registry;
  private TopologyTestDriver driver;
  private TestInputTopic<String, FaceCrop> crops;
  private TestOutputTopic<String, FaceScore> scores;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void load() throws Exception {
    TinyModels.export(dir.resolve("bright"), CROP, 2f, 0f);
    TinyModels.export(dir.resolve("dark"), CROP, -2f, 0f);
    TinyModels.writeManifest(dir, "2026.11.21-test",
        TinyModels.manifestEntry("bright", "bright", CROP, 1),
        TinyModels.manifestEntry("dark", "dark", CROP, 1));
    ensemble = Ensemble.load(dir);
    Path both = Files.createDirectories(dir.resolve("mixed"));
    TinyModels.export(both.resolve("bright"), CROP, 2f, 0f);
    TinyModels.writeManifest(both, "2026.11.21-mixed",
        TinyModels.manifestEntry("bright", "bright", CROP, 1),
        TinyModels.twoClassOnnx(both, "resnet", 2));
    mixed = Ensemble.load(both);
    faces = TestCrops.realFaces(CROP);
  }

  @AfterAll
  static void close() {
    ensemble.close();
    mixed.close();
  }

  private void start(int maxSize, long maxWaitMs) {
    start(maxSize, maxWaitMs, ensemble);
  }

  private void start(int maxSize, long maxWaitMs, Ensemble models) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("bootstrap.servers", "unused:9092");
    settings.put("schema.registry.url", "mock://" + scope);
    settings.put(ScoreConfig.BATCH_MAX_SIZE_CONFIG, maxSize);
    settings.put(ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG, maxWaitMs);
    ScoreConfig config = new ScoreConfig(settings);
    registry = InMemorySchemaRegistry.forScope(scope);
    StreamsBuilder builder = new StreamsBuilder();
    ScoreTopology.build(builder, config, registry, models, meters);
    Properties props = config.streamsProperties();
    driver = new TopologyTestDriver(builder.build(props), props, T0);
    crops = driver.createInputTopic(Topics.FACE_CROPS.name(),
        Topics.FACE_CROPS.keySerde().serializer(),
        Topics.FACE_CROPS.valueSerde(registry, true).serializer());
    scores = driver.createOutputTopic(Topics.FACE_SCORES.name(),
        Topics.FACE_SCORES.keySerde().deserializer(),
        Topics.FACE_SCORES.valueSerde(registry, true).deserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
        Topics.DEAD_LETTERS.keySerde().deserializer(),
        Topics.DEAD_LETTERS.valueSerde(registry, true).deserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
    InMemorySchemaRegistry.dropScope(scope);
  }

  private UUID pipe(UUID event, int frame, byte[] jpeg, long timestampMs) {
    FaceCrop crop = TestCrops.crop(event, frame, 0, jpeg, CROP);
    crops.pipeInput(event.toString(), crop, timestampMs);
    return event;
  }

  private long buffered() {
    KeyValueStore<Long, ValueAndTimestamp<FaceCrop>> store =
        driver.getTimestampedKeyValueStore(ScoreTopology.BUFFER_STORE);
    return store.approximateNumEntries();
  }

  @Test
  void aFullBatchIsScoredAtOnceAndEachScoreMatchesItsCrop() {
    start(4, 60_000);
    UUID event = UUID.randomUUID();
    for (int frame = 0; frame < 3; frame++) {
      pipe(event, frame, faces.get(frame), 1_000 + frame);
    }
    assertThat(scores.isEmpty()).as("a batch of 3 of 4 waits").isTrue();
    assertThat(buffered()).isEqualTo(3);

    pipe(event, 3, faces.get(3), 1_003);

    List<TestRecord<String, FaceScore>> out = scores.readRecordsToList();
    assertThat(out).hasSize(4);
    assertThat(buffered()).isZero();
    for (int frame = 0; frame < 4; frame++) {
      TestRecord<String, FaceScore> record = out.get(frame);
      FaceScore score = record.value();
      assertThat(record.key()).isEqualTo(event.toString());
      assertThat(record.timestamp()).as("the crop's timestamp").isEqualTo(1_000 + frame);
      assertThat(score.getEventId()).isEqualTo(event);
      assertThat(score.getFrameIndex()).isEqualTo(frame);
      assertThat(score.getFrameTimeMs()).isEqualTo(frame * 40L);
      assertThat(score.getTrackId()).isEqualTo(0);
      assertThat(score.getStatus()).isEqualTo(ScoreStatus.OK);
      assertThat(score.getReason()).isNull();
      assertThat(score.getEnsembleVersion()).isEqualTo("2026.11.21-test");
      assertThat(score.getModelScores()).extracting(ModelScore::getModel)
          .containsExactly("bright", "dark");
      // logit and its negation: the two probabilities add up to one.
      double bright = score.getModelScores().get(0).getProbability();
      double dark = score.getModelScores().get(1).getProbability();
      assertThat(bright + dark).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    }
    assertThat(out.stream().map(r -> r.value().getModelScores().get(0).getProbability())
        .distinct().count()).as("four different faces").isEqualTo(4);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /** One crop under one model, run alone, straight through the model. */
  private static double direct(Ensemble.Member member, byte[] jpeg) {
    try (Mat image = FacePreprocessor.decode(jpeg, CROP, CROP)) {
      FaceBatch batch = member.newBatch(1);
      member.preprocessor().write(image, batch, 0);
      return ScoreOutput.probability(member.model().logits(batch)[0]);
    }
  }

  @Test
  void aMixedEnsembleOfASavedModelAndAnOnnxModelScoresInTheStage() {
    start(3, 60_000, mixed);
    UUID event = UUID.randomUUID();
    for (int frame = 0; frame < 3; frame++) {
      pipe(event, frame, faces.get(frame), 1_000 + frame);
    }

    List<TestRecord<String, FaceScore>> out = scores.readRecordsToList();
    assertThat(out).hasSize(3);
    for (int frame = 0; frame < 3; frame++) {
      FaceScore score = out.get(frame).value();
      assertThat(score.getStatus()).isEqualTo(ScoreStatus.OK);
      assertThat(score.getEnsembleVersion()).isEqualTo("2026.11.21-mixed");
      assertThat(score.getModelScores()).extracting(ModelScore::getModel)
          .containsExactly("bright", "resnet");
      assertThat(score.getModelScores()).extracting(ModelScore::getWeight)
          .containsExactly(1.0, 2.0);
      for (int m = 0; m < 2; m++) {
        assertThat(score.getModelScores().get(m).getProbability()).as("frame %d model %d",
            frame, m).isCloseTo(direct(mixed.members().get(m), faces.get(frame)),
            org.assertj.core.api.Assertions.within(1e-6));
      }
    }
    assertThat(out.stream().map(r -> r.value().getModelScores().get(1).getProbability())
        .distinct().count()).as("the ONNX model tells the faces apart").isEqualTo(3);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void onlyCropsStillWaitingWhenTheStageCommitsAreWrittenToTheChangelog() {
    // TopologyTestDriver commits after every input record: the first crop waits across a
    // commit, the second is scored (with the first) before the next one.
    start(2, 60_000);
    UUID event = UUID.randomUUID();
    pipe(event, 0, faces.get(0), 1);
    pipe(event, 1, faces.get(1), 2);

    assertThat(scores.readRecordsToList()).hasSize(2);
    List<TestRecord<Long, byte[]>> changelog = driver.createOutputTopic(
        new ScoreConfig(Map.of("bootstrap.servers", "unused:9092", "schema.registry.url",
            "mock://" + scope)).applicationId() + "-" + ScoreTopology.BUFFER_STORE
            + "-changelog", new LongDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
    assertThat(changelog).as("a crop when it waited across a commit, then two deletions")
        .extracting(r -> r.value() != null).containsExactly(true, false, false);
  }

  @Test
  void aPartialBatchWaitsTheMaximumWaitOfItsOldestCropByTheWallClock() {
    start(32, 200);
    UUID first = pipe(UUID.randomUUID(), 0, faces.get(0), 1);
    driver.advanceWallClockTime(Duration.ofMillis(120));
    UUID second = pipe(UUID.randomUUID(), 0, faces.get(1), 2);
    driver.advanceWallClockTime(Duration.ofMillis(60));
    assertThat(scores.isEmpty()).as("180 ms after the first crop").isTrue();

    driver.advanceWallClockTime(Duration.ofMillis(30));

    assertThat(scores.readRecordsToList()).extracting(TestRecord::key)
        .containsExactly(first.toString(), second.toString());
    assertThat(buffered()).isZero();
  }

  @Test
  void moreWaitingCropsThanABatchAreScoredInFullBatchesOldestFirst() {
    start(3, 60_000);
    UUID event = UUID.randomUUID();
    for (int frame = 0; frame < 7; frame++) {
      pipe(event, frame, faces.get(frame), frame);
    }
    assertThat(scores.readValuesToList()).extracting(FaceScore::getFrameIndex)
        .containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(buffered()).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofMinutes(2));

    assertThat(scores.readValuesToList()).extracting(FaceScore::getFrameIndex)
        .containsExactly(6);
  }

  @Test
  void withNoWaitEveryCropIsScoredAsItComes() {
    start(32, 0);
    pipe(UUID.randomUUID(), 0, faces.get(0), 1);
    assertThat(scores.readValuesToList()).hasSize(1);
    pipe(UUID.randomUUID(), 0, faces.get(1), 2);
    assertThat(scores.readValuesToList()).hasSize(1);
    assertThat(buffered()).isZero();
  }

  @Test
  void aBadCropGetsAFailedScoreAndADeadLetterAndItsBatchIsScored() {
    start(3, 60_000);
    UUID event = UUID.randomUUID();
    pipe(event, 0, faces.get(0), 10);
    pipe(event, 1, "GIF89a not a jpeg".getBytes(), 11);
    FaceCrop wrongSize = TestCrops.crop(event, 2, 0, faces.get(2), CROP * 2);
    crops.pipeInput(event.toString(), wrongSize, 12);

    List<FaceScore> out = scores.readValuesToList();
    assertThat(out).extracting(FaceScore::getStatus)
        .containsExactly(ScoreStatus.OK, ScoreStatus.FAILED, ScoreStatus.FAILED);
    assertThat(out.get(1).getReason()).contains("not a JPEG image");
    assertThat(out.get(2).getReason()).contains("not the declared 128x128");
    assertThat(out.get(1).getModelScores()).isEmpty();
    assertThat(out.get(1).getEnsembleVersion()).isEqualTo("2026.11.21-test");

    List<KeyValue<String, DeadLetter>> letters = deadLetters.readKeyValuesToList();
    assertThat(letters).hasSize(2);
    DeadLetter letter = letters.get(0).value;
    assertThat(letters.get(0).key).isEqualTo(event.toString());
    assertThat(letter.getStage()).isEqualTo(Stage.SCORE);
    assertThat(letter.getTopic()).isEqualTo(Topics.FACE_CROPS.name());
    assertThat(letter.getOffset()).isEqualTo(1);
    assertThat(letter.getApplicationId()).isEqualTo(ScoreConfig.APPLICATION_ID_DEFAULT);
    assertThat(letter.getErrorMessage()).contains("not a JPEG image");
    assertThat(letters.get(1).value.getOffset()).isEqualTo(2);

    assertThat(meters.get(PipelineMetric.FACES_SCORED.meterName()).tag("status", "OK")
        .counter().count()).isEqualTo(1);
    assertThat(meters.get(PipelineMetric.FACES_SCORED.meterName()).tag("status", "FAILED")
        .counter().count()).isEqualTo(2);
    assertThat(meters.get(PipelineMetric.BATCH_SIZE.meterName()).summary().totalAmount())
        .isEqualTo(3);
    assertThat(meters.get(PipelineMetric.INFERENCE_SECONDS.meterName()).timer().count())
        .isEqualTo(1);
  }

  @Test
  void aTombstoneIsIgnored() {
    start(1, 0);
    crops.pipeInput(UUID.randomUUID().toString(), null, 5);
    assertThat(scores.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(buffered()).isZero();
  }
}
