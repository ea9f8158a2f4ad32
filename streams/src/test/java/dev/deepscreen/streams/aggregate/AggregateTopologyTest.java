package dev.deepscreen.streams.aggregate;

import static dev.deepscreen.streams.aggregate.Events.failed;
import static dev.deepscreen.streams.aggregate.Events.newId;
import static dev.deepscreen.streams.aggregate.Events.score;
import static dev.deepscreen.streams.aggregate.Events.summary;
import static dev.deepscreen.streams.aggregate.Events.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.deepscreen.avro.AggregationStrategy;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.ModelResult;
import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.StageTimings;
import dev.deepscreen.avro.StrategyBranch;
import dev.deepscreen.avro.TrackResult;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.serde.WireFormatException;
import dev.deepscreen.streams.app.PipelineMetric;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real topology in a TopologyTestDriver: when verdicts come, and what they say. */
class AggregateTopologyTest {

  @TempDir
  Path stateDir;
  private AggregateDriver agg;

  @BeforeEach
  void start() {
    agg = new AggregateDriver(stateDir, Map.of());
  }

  @AfterEach
  void stop() {
    agg.close();
  }

  @Test
  void emitsOneCompleteVerdictWhenTheLastExpectedScoreArrives() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    agg.scores(2000, score(id, 0, 0, 1, 0.9, 0.7), score(id, 0, 1, 2, 0.1, 0.3));
    assertThat(agg.verdicts()).isEmpty();

    agg.scores(2005, score(id, 5, 0, 1, 0.6, 0.8));

    List<TestRecord<String, Verdict>> out = agg.verdicts();
    assertThat(out).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo(id));
    Verdict v = out.get(0).value();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getReason()).isNull();
    // Neither model has more than 11 faces above 0.8 nor 90% below 0.2: the mean of all.
    assertThat(v.getProbability()).isCloseTo((1.6 / 3 + 1.8 / 3) / 2, within(1e-12));
    assertThat(v.getLabel()).isEqualTo(Label.FAKE);
    assertThat(v.getAction()).isEqualTo(ModerationAction.REVIEW);
    assertThat(v.getStrategy()).isEqualTo(AggregationStrategy.CONFIDENT);
    assertThat(v.getModelResults()).extracting(ModelResult::getModel, ModelResult::getBranch,
            ModelResult::getFaces)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b7-fold0",
                StrategyBranch.MEAN_OF_ALL, 3),
            org.assertj.core.groups.Tuple.tuple("b7-fold1", StrategyBranch.MEAN_OF_ALL, 3));
    assertThat(v.getTrackResults()).extracting(TrackResult::getTrackId, TrackResult::getFaces)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2),
            org.assertj.core.groups.Tuple.tuple(2, 1));
    assertThat(v.getTrackResults().get(0).getProbability()).isCloseTo(0.75, within(1e-12));
    assertThat(v.getTimeline()).extracting(FrameScore::getFrameIndex, FrameScore::getFaces,
            FrameScore::getFrameTimeMs)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 2, 0L),
            org.assertj.core.groups.Tuple.tuple(5, 1, 500L));
    assertThat(v.getTimeline().get(0).getMaxProbability()).isCloseTo(0.8, within(1e-12));
    assertThat(v.getTopFrames()).extracting(FrameScore::getFrameIndex).containsExactly(0, 5);
    assertThat(v.getFramesSampled()).isEqualTo(32);
    assertThat(v.getFacesExpected()).isEqualTo(3);
    assertThat(v.getFacesScored()).isEqualTo(3);
    assertThat(v.getFacesFailed()).isZero();
    assertThat(v.getEnsembleVersion()).isEqualTo("v1");
    assertThat(v.getTimings()).isEqualTo(new StageTimings(1000L, 905L, 7995L, 10_000L));
    assertThat(v.getDecidedAt()).isEqualTo(AggregateDriver.WALL_START);
    assertThat(v.getVideoId()).isEqualTo("video-" + id.substring(0, 8));
    assertThat(v.getTenant()).isEqualTo("tenant-a");
    assertThat(v.getSource()).isEqualTo("uploads");
    assertThat(v.getAttributes()).containsEntry("channel", "web");
    assertThat(agg.storedEntries(AggregateTopology.SCORE_STORE)).isZero();
    assertThat(agg.storedEntries(AggregateTopology.SUMMARY_STORE)).isZero();
    assertThat(agg.storedEntries(AggregateTopology.PENDING_STORE)).isZero();
    assertThat(agg.storedEntries(AggregateTopology.DECIDED_STORE)).isOne();

    assertThat(agg.meters.get(PipelineMetric.VERDICTS.meterName()).tag("status", "OK")
        .counter().count()).isEqualTo(1);
    Timer latency = agg.meters.get(PipelineMetric.VERDICT_LATENCY_SECONDS.meterName()).timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10_000);
  }

  @Test
  void scoresMayArriveBeforeTheirSummary() {
    String id = newId();
    agg.scores(2000, score(id, 0, 0, null, 0.1, 0.1), score(id, 1, 0, null, 0.1, 0.05));
    assertThat(agg.verdicts()).isEmpty();
    agg.summary(summary(id, 2), 2500);
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getFacesScored()).isEqualTo(2);
    // Every face below 0.2: more than 90% of them, so the confidently-real branch.
    assertThat(v.getModelResults()).extracting(ModelResult::getBranch)
        .containsOnly(StrategyBranch.CONFIDENT_REAL);
    assertThat(v.getAction()).isEqualTo(ModerationAction.ALLOW);
    assertThat(v.getTrackResults()).isEmpty();
  }

  @Test
  void aDuplicateScoreCountsOnce() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    agg.scores(2000, score(id, 0, 0, null, 0.9, 0.9), score(id, 0, 0, null, 0.9, 0.9),
        score(id, 1, 0, null, 0.2, 0.2));
    assertThat(agg.verdicts()).as("two distinct scores of three").isEmpty();
    agg.scores(2100, score(id, 1, 0, null, 0.2, 0.2), score(id, 2, 0, null, 0.4, 0.4));
    List<TestRecord<String, Verdict>> out = agg.verdicts();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getValue().getFacesScored()).isEqualTo(3);
    assertThat(out.get(0).getValue().getProbability()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void aFailedScoreCountsAsArrivedAndIsReported() {
    String id = newId();
    agg.summary(summary(id, 2), 1100);
    agg.scores(2000, failed(id, 0, 0), score(id, 1, 0, null, 0.95, 0.85));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getFacesScored()).isOne();
    assertThat(v.getFacesFailed()).isOne();
    assertThat(v.getProbability()).isCloseTo(0.9, within(1e-12));
    assertThat(v.getReason()).isEqualTo("1 of 2 faces could not be scored");
  }

  @Test
  void aRetriedFaceThatScoredReplacesItsFailure() {
    String id = newId();
    agg.summary(summary(id, 2), 1100);
    agg.scores(2000, failed(id, 0, 0), score(id, 0, 0, null, 0.3, 0.3));
    assertThat(agg.verdicts()).isEmpty();
    agg.scores(2100, score(id, 1, 0, null, 0.5, 0.5));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getFacesScored()).isEqualTo(2);
    assertThat(v.getFacesFailed()).isZero();
  }

  @Test
  void whenEveryFaceFailsTheVerdictIsScoringFailedAtOneHalf() {
    String id = newId();
    agg.summary(summary(id, 2), 1100);
    agg.scores(2000, failed(id, 0, 0), failed(id, 0, 1));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.SCORING_FAILED);
    assertThat(v.getProbability()).isEqualTo(0.5);
    assertThat(v.getLabel()).isEqualTo(Label.UNKNOWN);
    assertThat(v.getAction()).isEqualTo(ModerationAction.REVIEW);
    assertThat(v.getFacesFailed()).isEqualTo(2);
    assertThat(v.getModelResults()).isEmpty();
    assertThat(v.getEnsembleVersion()).isNull();
    assertThat(v.getTimings().getScoreMs()).isEqualTo(900L);
  }

  @ParameterizedTest
  @EnumSource(value = ExtractionStatus.class, names = {"NO_FACES", "UNREADABLE", "REJECTED",
      "TIMED_OUT"})
  void extractionFailuresBecomeVerdictsAtOnce(ExtractionStatus status) {
    String id = newId();
    agg.summary(summary(id, status, "because " + status, 0), 1100);
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.valueOf(status.name()));
    assertThat(v.getReason()).isEqualTo("because " + status);
    assertThat(v.getProbability()).isEqualTo(0.5);
    assertThat(v.getLabel()).as("no face was seen: neither REAL nor FAKE")
        .isEqualTo(Label.UNKNOWN);
    assertThat(v.getAction()).isEqualTo(ModerationAction.REVIEW);
    assertThat(v.getTimings().getScoreMs()).isNull();
    assertThat(v.getTimings().getAggregateMs()).isNull();
    assertThat(v.getTimings().getExtractMs()).isEqualTo(1000L);
  }

  @Test
  void anOkSummaryWithoutCropsIsNoFaces() {
    String id = newId();
    agg.summary(summary(id, 0), 1100);
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.NO_FACES);
    assertThat(v.getReason()).isEqualTo("the extraction emitted no face crop");
    assertThat(v.getProbability()).isEqualTo(0.5);
  }

  @Test
  void streamTimeTimeoutEmitsAPartialVerdict() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    agg.scores(2000, score(id, 0, 0, null, 0.1, 0.1));
    // Another event's record moves stream time to just before the timeout, then past it.
    String other = newId();
    agg.summary(summary(other, 5), 1100 + AggregateDriver.TIMEOUT.toMillis() - 1);
    assertThat(agg.verdicts()).isEmpty();
    agg.summary(summary(newId(), 5), 1100 + AggregateDriver.TIMEOUT.toMillis() + 1000);

    List<TestRecord<String, Verdict>> out = agg.verdicts();
    assertThat(out).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo(id));
    Verdict v = out.get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.PARTIAL);
    assertThat(v.getReason()).isEqualTo("timed out after 60000 ms with 1 of 3 face scores");
    assertThat(v.getFacesScored()).isOne();
    assertThat(v.getProbability()).isCloseTo(0.1, within(1e-12));
    assertThat(v.getLabel()).as("a partial verdict rests on the faces it has")
        .isEqualTo(Label.REAL);

    agg.scores(70_000, score(id, 1, 0, null, 0.9, 0.9), score(id, 2, 0, null, 0.9, 0.9));
    assertThat(agg.verdicts()).as("late scores after the verdict").isEmpty();
  }

  @Test
  void wallClockTimeoutEmitsAPartialVerdictWithoutNewRecords() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    agg.advanceWallClock(AggregateDriver.TIMEOUT.minusSeconds(2));
    assertThat(agg.verdicts()).isEmpty();
    agg.advanceWallClock(Duration.ofSeconds(2));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.PARTIAL);
    assertThat(v.getProbability()).isEqualTo(0.5);
    assertThat(v.getLabel()).isEqualTo(Label.UNKNOWN);
    assertThat(v.getReason()).isEqualTo("timed out after 60000 ms with 0 of 3 face scores");
    assertThat(v.getDecidedAt())
        .isEqualTo(AggregateDriver.WALL_START.plus(AggregateDriver.TIMEOUT));
  }

  @Test
  void aReSubmittedEventGetsNoSecondVerdictWithinTheRetention() {
    String id = newId();
    agg.summary(summary(id, ExtractionStatus.NO_FACES, "no face", 0), 1100);
    assertThat(agg.verdicts()).hasSize(1);
    agg.summary(summary(id, 1), 5000);
    agg.scores(6000, score(id, 0, 0, null, 0.9, 0.9));
    agg.advanceWallClock(AggregateDriver.TIMEOUT.multipliedBy(2));
    assertThat(agg.verdicts()).isEmpty();
    assertThat(agg.storedEntries(AggregateTopology.SCORE_STORE)).isZero();

    assertThat(agg.storedEntries(AggregateTopology.DECIDED_STORE)).isOne();

    // Past the retention the marker is gone, and the event id is new again.
    agg.advanceWallClock(AggregateDriver.RETENTION.minus(AggregateDriver.TIMEOUT.multipliedBy(2))
        .minusSeconds(2));
    assertThat(agg.storedEntries(AggregateTopology.DECIDED_STORE)).isOne();
    agg.advanceWallClock(Duration.ofSeconds(2));
    assertThat(agg.storedEntries(AggregateTopology.DECIDED_STORE)).isZero();
    assertThat(agg.storedEntries(AggregateTopology.DECIDED_BY_TIME_STORE)).isZero();
    agg.summary(summary(id, ExtractionStatus.NO_FACES, "no face", 0), 7000);
    assertThat(agg.verdicts()).hasSize(1);
  }

  @Test
  void scoresWhoseSummaryNeverComesAreDeadLettered() {
    String id = newId();
    agg.scores(2000, score(id, 0, 0, null, 0.9, 0.9), score(id, 1, 0, null, 0.9, 0.9));
    agg.advanceWallClock(AggregateDriver.ABANDONED.minusSeconds(1));
    assertThat(agg.deadLetters.isEmpty()).isTrue();
    agg.advanceWallClock(Duration.ofSeconds(1));

    DeadLetter letter = agg.deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(Stage.AGGREGATE);
    assertThat(letter.getApplicationId()).isEqualTo("deepscreen-aggregate");
    assertThat(letter.getTopic()).isEqualTo(Topics.FACE_SCORES.name());
    assertThat(letter.getOffset()).isZero();
    assertThat(letter.getEventId()).hasToString(id);
    assertThat(letter.getErrorClass()).isEqualTo(AbandonedEventException.class.getName());
    assertThat(letter.getErrorMessage()).isEqualTo("no extraction summary came within 600000 ms"
        + " of the event's first face score; dropped 2 face scores");
    assertThat(agg.deadLetters.isEmpty()).isTrue();
    assertThat(agg.verdicts()).isEmpty();
    assertThat(agg.storedEntries(AggregateTopology.SCORE_STORE)).isZero();
    assertThat(agg.storedEntries(AggregateTopology.PENDING_STORE)).isZero();
  }

  @Test
  void anUndeserializableScoreIsDeadLetteredAndTheStreamGoesOn() {
    // Under exactly_once_v2 the 4.3.1 test driver does not capture the records the
    // deserialization handler sends (observed, cause not investigated); AggregateRestartIT
    // checks the dead letter on a real broker under exactly_once_v2.
    agg.close();
    agg = new AggregateDriver(stateDir.resolve("at-least-once"),
        Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE));
    String id = newId();
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    agg.rawScores.pipeInput(id, garbage);
    agg.summary(summary(id, 1), 1100);

    DeadLetter letter = agg.deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(Stage.AGGREGATE);
    assertThat(letter.getTopic()).isEqualTo(Topics.FACE_SCORES.name());
    assertThat(letter.getPartition()).isZero();
    assertThat(letter.getOffset()).isZero();
    assertThat(letter.getEventId()).hasToString(id);
    assertThat(letter.getKey().array()).isEqualTo(id.getBytes(StandardCharsets.UTF_8));
    assertThat(letter.getValue().array()).isEqualTo(garbage);
    assertThat(letter.getErrorClass()).isEqualTo(WireFormatException.class.getName());
    assertThat(letter.getStackTrace()).contains("WireFormatException");

    agg.scores(2000, score(id, 0, 0, null, 0.1, 0.1));
    assertThat(agg.verdicts()).singleElement()
        .satisfies(r -> assertThat(r.getValue().getStatus()).isEqualTo(VerdictStatus.OK));
  }

  @Test
  void aProbabilityOutsideTheUnitIntervalMakesTheFaceCountAsFailed() {
    String id = newId();
    agg.summary(summary(id, 2), 1100);
    agg.scores(2000, score(id, 0, 0, null, Double.NaN, 0.5), score(id, 1, 0, null, 0.2, 0.4));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getFacesScored()).isOne();
    assertThat(v.getFacesFailed()).isOne();
    assertThat(v.getProbability()).isCloseTo(0.3, within(1e-12));
    assertThat(v.getReason()).isEqualTo("1 scores had a probability outside [0, 1] or other"
        + " models or weights than [b7-fold0 (weight 1.0), b7-fold1 (weight 1.0)]; 1 of 2 faces"
        + " could not be scored");
  }

  @Test
  void theVerdictIsTheMeanOfTheModelsWeightedByTheirManifestWeights() {
    String id = newId();
    double[] weights = {3, 1};
    agg.summary(summary(id, 3), 1100);
    agg.scores(2000, weighted(id, 0, 0, 1, "v1", weights, 0.9, 0.1),
        weighted(id, 0, 1, 2, "v1", weights, 0.7, 0.3),
        weighted(id, 1, 0, 1, "v1", weights, 0.8, 0.2));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getReason()).isNull();
    // Three faces: each model takes the mean of all, 0.8 and 0.2, weighted 3 to 1.
    assertThat(v.getModelResults()).extracting(ModelResult::getBranch)
        .containsOnly(StrategyBranch.MEAN_OF_ALL);
    assertThat(v.getModelResults().get(0).getProbability()).isCloseTo(0.8, within(1e-12));
    assertThat(v.getModelResults().get(1).getProbability()).isCloseTo(0.2, within(1e-12));
    assertThat(v.getProbability()).isCloseTo((3 * 0.8 + 1 * 0.2) / 4, within(1e-12));
    // Person 1: 0.85 and 0.15; person 2: 0.7 and 0.3.
    assertThat(v.getTrackResults()).extracting(TrackResult::getTrackId).containsExactly(1, 2);
    assertThat(v.getTrackResults().get(0).getProbability())
        .isCloseTo((3 * 0.85 + 0.15) / 4, within(1e-12));
    assertThat(v.getTrackResults().get(1).getProbability())
        .isCloseTo((3 * 0.7 + 0.3) / 4, within(1e-12));
    // Frame 0's most suspicious face is (0.9, 0.1): 0.7 weighted, 0.5 unweighted.
    assertThat(v.getTimeline()).extracting(FrameScore::getFrameIndex).containsExactly(0, 1);
    assertThat(v.getTimeline().get(0).getMaxProbability())
        .isCloseTo((3 * 0.9 + 0.1) / 4, within(1e-12));
    assertThat(v.getTimeline().get(1).getMaxProbability())
        .isCloseTo((3 * 0.8 + 0.2) / 4, within(1e-12));
  }

  @Test
  void aScoreWhoseWeightsDisagreeWithTheOthersCountsAsFailed() {
    String id = newId();
    double[] weights = {3, 1};
    agg.summary(summary(id, 4), 1100);
    agg.scores(2000, weighted(id, 0, 0, null, "v1", weights, 0.9, 0.1),
        weighted(id, 1, 0, null, "v1", new double[] {1, 1}, 0.1, 0.9),
        weighted(id, 2, 0, null, "v1", new double[] {0, 1}, 0.1, 0.9),
        weighted(id, 3, 0, null, "v1", weights, 0.7, 0.3));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getFacesScored()).isEqualTo(2);
    assertThat(v.getFacesFailed()).isEqualTo(2);
    assertThat(v.getProbability()).isCloseTo((3 * 0.8 + 0.2) / 4, within(1e-12));
    assertThat(v.getReason()).isEqualTo("2 scores had a probability outside [0, 1] or other"
        + " models or weights than [b7-fold0 (weight 3.0), b7-fold1 (weight 1.0)]; 2 of 4 faces"
        + " could not be scored");
  }

  @Test
  void oneScoreWithABrokenModelListDoesNotSpoilTheOthers() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    FaceScore noModels = FaceScore.newBuilder(score(id, 0, 0, null, 0.5, 0.5))
        .setModelScores(List.of()).build();
    agg.scores(2000, noModels, score(id, 1, 0, null, 0.2, 0.4), score(id, 2, 0, null, 0.6, 0.8));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
    assertThat(v.getFacesScored()).isEqualTo(2);
    assertThat(v.getFacesFailed()).isOne();
    assertThat(v.getProbability()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void okScoresWithoutAnyModelAreScoringFailedNotACrash() {
    String id = newId();
    agg.summary(summary(id, 1), 1100);
    agg.scores(2000, FaceScore.newBuilder(score(id, 0, 0, null, 0.5)).setModelScores(List.of())
        .build());
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStatus()).isEqualTo(VerdictStatus.SCORING_FAILED);
    assertThat(v.getProbability()).isEqualTo(0.5);
  }

  @Test
  void perTrackStrategyAndTopFramesFollowTheSettings() {
    agg.close();
    agg = new AggregateDriver(stateDir.resolve("per-track"), Map.of(
        AggregateConfig.STRATEGY_CONFIG, "PER_TRACK", AggregateConfig.TOP_FRAMES_CONFIG, 1,
        AggregateConfig.BLOCK_ABOVE_CONFIG, 0.85));
    String id = newId();
    agg.summary(summary(id, 4), 1100);
    agg.scores(2000, score(id, 0, 0, 1, 0.1, 0.1), score(id, 1, 0, 1, 0.1, 0.1),
        score(id, 1, 1, 2, 0.9, 0.9), score(id, 2, 0, 2, 0.8, 1.0));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getStrategy()).isEqualTo(AggregationStrategy.PER_TRACK);
    assertThat(v.getProbability()).isCloseTo(0.9, within(1e-12));
    assertThat(v.getAction()).isEqualTo(ModerationAction.BLOCK);
    assertThat(v.getTrackResults()).extracting(TrackResult::getTrackId).containsExactly(2, 1);
    assertThat(v.getModelResults()).extracting(ModelResult::getFaces).containsOnly(2);
    assertThat(v.getTimeline()).hasSize(3);
    assertThat(v.getTopFrames()).singleElement()
        .satisfies(f -> assertThat(f.getFrameIndex()).isEqualTo(1));
  }

  @Test
  void mixedEnsembleVersionsUseTheMajorityAndSaySo() {
    String id = newId();
    agg.summary(summary(id, 3), 1100);
    agg.scores(2000, score(id, 0, 0, null, "v2", 0.9, 0.9), score(id, 1, 0, null, "v2", 0.7, 0.7),
        score(id, 2, 0, null, "v1", 0.1, 0.1));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getEnsembleVersion()).isEqualTo("v2");
    assertThat(v.getFacesScored()).isEqualTo(2);
    assertThat(v.getProbability()).isCloseTo(0.8, within(1e-12));
    assertThat(v.getReason())
        .isEqualTo("mixed ensemble versions: used v2 (2 faces), ignored v1 (1 faces)");
  }

  @Test
  void onATieTheVersionWithTheNewestScoreIsUsed() {
    String id = newId();
    agg.summary(summary(id, 2), 1100);
    // Scores are stamped 2000 ms + frame index after submission: v1's (frame 1) is the newer.
    agg.scores(2000, score(id, 0, 0, null, "v2", 0.9, 0.9), score(id, 1, 0, null, "v1", 0.1, 0.1));
    Verdict v = agg.verdicts().get(0).getValue();
    assertThat(v.getEnsembleVersion()).isEqualTo("v1");
    assertThat(v.getProbability()).isCloseTo(0.1, within(1e-12));
  }
}
