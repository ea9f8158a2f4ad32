package dev.deepscreen.streams.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.inference.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scoring with real TensorFlow sessions over SavedModels the test exports, on crops cut
 * from the real face photos and on broken crops.
 */
class FaceScorerTest {

  private static final int CROP = 96;
  private static final UUID EVENT = UUID.randomUUID();

  @TempDir
  static Path dir;
  private static Ensemble ensemble;
  private static Ensemble withFailingModel;
  private static List<byte[]> faces;

  @BeforeAll
  static void load() throws Exception {
    Path good = Files.createDirectories(dir.resolve("good"));
    TinyModels.export(good.resolve("same-size"), CROP, 3f, -0.5f);
    TinyModels.export(good.resolve("half-size"), CROP / 2, -2f, 0.25f);
    TinyModels.writeManifest(good, "v-test",
        TinyModels.manifestEntry("same-size", "same-size", CROP, 0.5),
        TinyModels.manifestEntry("half-size", "half-size", CROP / 2, 2));
    ensemble = Ensemble.load(good);

    Path failing = Files.createDirectories(dir.resolve("failing"));
    TinyModels.export(failing.resolve("plain"), CROP, 1f, 0f);
    TinyModels.exportFailingOnDark(failing.resolve("fragile"), CROP);
    TinyModels.writeManifest(failing, "v-fragile",
        TinyModels.manifestEntry("plain", "plain", CROP, 1),
        TinyModels.manifestEntry("fragile", "fragile", CROP, 1));
    withFailingModel = Ensemble.load(failing);

    faces = TestCrops.realFaces(CROP);
  }

  @AfterAll
  static void close() {
    ensemble.close();
    withFailingModel.close();
  }

  private static List<FaceCrop> crops(List<byte[]> jpegs) {
    List<FaceCrop> crops = new ArrayList<>();
    for (int i = 0; i < jpegs.size(); i++) {
      crops.add(TestCrops.crop(EVENT, i, 0, jpegs.get(i), CROP));
    }
    return crops;
  }

  /** The probability of one crop under one model, run alone, straight through the model. */
  private static double direct(Ensemble.Member member, byte[] jpeg) {
    try (Mat image = FacePreprocessor.decode(jpeg, CROP, CROP)) {
      FaceBatch batch = member.newBatch(1);
      member.preprocessor().write(image, batch, 0);
      return 1 / (1 + Math.exp(-member.model().logits(batch)[0]));
    }
  }

  @Test
  void aBatchOfRealFacesGetsWhatEachModelGivesEachFaceAlone() {
    assertThat(faces).hasSize(22);
    List<FaceScorer.Outcome> outcomes = new FaceScorer(ensemble).score(crops(faces));

    assertThat(outcomes).hasSize(faces.size()).noneMatch(FaceScorer.Outcome::failed);
    for (int i = 0; i < faces.size(); i++) {
      double[] probabilities = outcomes.get(i).probabilities();
      assertThat(probabilities).hasSize(2);
      for (int m = 0; m < 2; m++) {
        assertThat(probabilities[m]).as("face %d, model %d", i, m)
            .isCloseTo(direct(ensemble.members().get(m), faces.get(i)), within(1e-6));
      }
      assertThat(outcomes.get(i).inferenceMs()).isPositive();
    }
    // Different faces give different scores: the batch slots are not mixed up or shared.
    assertThat(Arrays.stream(outcomes.stream().mapToDouble(o -> o.probabilities()[0]).toArray())
        .distinct().count()).isGreaterThan(15);
  }

  @Test
  void aFlatColourCropScoresAsComputedByHand() {
    byte[] grey = TestCrops.flat(CROP, 128, 128, 128);
    double[] probabilities = new FaceScorer(ensemble)
        .score(List.of(TestCrops.crop(EVENT, 0, 0, grey, CROP))).get(0).probabilities();

    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};
    double normalised = 0;
    for (int c = 0; c < 3; c++) {
      normalised += (128 / 255.0 - mean[c]) / std[c] / 3;
    }
    assertThat(probabilities[0]).isCloseTo(sigmoid(3 * normalised - 0.5), within(1e-3));
    assertThat(probabilities[1]).isCloseTo(sigmoid(-2 * normalised + 0.25), within(1e-3));
  }

  @Test
  void brokenCropsFailAloneAndTheRestOfTheBatchIsScored() {
    byte[] face = faces.get(0);
    byte[] halfOfAFace = Arrays.copyOf(face, 40);
    byte[] text = "not an image at all".getBytes();
    List<FaceCrop> batch = List.of(
        TestCrops.crop(EVENT, 0, 0, face, CROP),
        TestCrops.crop(EVENT, 1, 0, text, CROP),
        TestCrops.crop(EVENT, 2, 0, face, CROP + 1),
        TestCrops.crop(EVENT, 3, 0, TestCrops.flat(CROP, 10, 10, 10), CROP),
        TestCrops.crop(EVENT, 4, 0, halfOfAFace, CROP),
        TestCrops.crop(EVENT, 5, 0, TestCrops.flat(64, 10, 10, 10), 64),
        TestCrops.crop(EVENT, 6, 0, face, 100_000));

    List<FaceScorer.Outcome> outcomes = new FaceScorer(ensemble).score(batch);

    assertThat(outcomes).extracting(FaceScorer.Outcome::failed)
        .containsExactly(false, true, true, false, true, false, true);
    assertThat(outcomes.get(1).failure()).hasMessageContaining("not a JPEG image");
    assertThat(outcomes.get(2).failure()).hasMessageContaining("not the declared 97x97");
    assertThat(outcomes.get(4).failure()).hasMessageContaining("not a readable JPEG");
    assertThat(outcomes.get(6).failure()).hasMessageContaining("outside 1..4096");
    // A crop of another size than the model's is brought to the model's size, as in training.
    assertThat(outcomes.get(5).probabilities()[0])
        .isCloseTo(outcomes.get(3).probabilities()[0], within(1e-3));
    assertThat(outcomes.get(0).probabilities()[0])
        .isCloseTo(direct(ensemble.members().get(0), face), within(1e-6));
  }

  @Test
  void aModelErrorOnOneCropFailsThatCropOnlyAfterRetryingOneByOne() {
    byte[] bright = TestCrops.flat(CROP, 250, 250, 250);
    byte[] dark = TestCrops.flat(CROP, 5, 5, 5);
    List<FaceScorer.Outcome> outcomes = new FaceScorer(withFailingModel).score(List.of(
        TestCrops.crop(EVENT, 0, 0, bright, CROP), TestCrops.crop(EVENT, 1, 0, dark, CROP),
        TestCrops.crop(EVENT, 2, 0, bright, CROP)));

    assertThat(outcomes).extracting(FaceScorer.Outcome::failed).containsExactly(false, true,
        false);
    assertThat(outcomes.get(1).failure())
        .hasMessageStartingWith("Model fragile failed on this crop")
        .hasMessageContaining("logit of a dark image");
    assertThat(outcomes.get(0).probabilities()).hasSize(2);
    assertThat(outcomes.get(0).probabilities()[1]).isGreaterThan(0.5);
  }

  @Test
  void eachModelScoreCarriesItsModelsWeightFromTheManifest() {
    FaceScorer scorer = new FaceScorer(ensemble);
    List<FaceCrop> batch = List.of(TestCrops.crop(EVENT, 0, 0, faces.get(0), CROP),
        TestCrops.crop(EVENT, 1, 0, "not an image".getBytes(), CROP));
    List<FaceScorer.Outcome> outcomes = scorer.score(batch);
    Instant scoredAt = Instant.parse("2026-11-21T08:00:02Z");

    FaceScore ok = scorer.faceScore(batch.get(0), outcomes.get(0), scoredAt);
    assertThat(ok.getStatus()).isEqualTo(ScoreStatus.OK);
    assertThat(ok.getModelScores()).extracting(ModelScore::getModel, ModelScore::getWeight)
        .containsExactly(tuple("same-size", 0.5), tuple("half-size", 2.0));
    assertThat(ok.getModelScores()).extracting(ModelScore::getProbability)
        .containsExactly(outcomes.get(0).probabilities()[0], outcomes.get(0).probabilities()[1]);
    assertThat(ok.getEnsembleVersion()).isEqualTo("v-test");
    assertThat(ok.getBox()).isEqualTo(batch.get(0).getBox());
    // These test models have no Grad-CAM signature: no heatmap, and no error.
    assertThat(ok.getModelScores()).extracting(ModelScore::getHeatmap).containsOnlyNulls();

    FaceScore failed = scorer.faceScore(batch.get(1), outcomes.get(1), scoredAt);
    assertThat(failed.getStatus()).isEqualTo(ScoreStatus.FAILED);
    assertThat(failed.getModelScores()).isEmpty();
  }

  @Test
  void anEmptyBatchNeedsNoModelRun() {
    assertThat(new FaceScorer(ensemble).score(List.of())).isEmpty();
  }

  @Test
  void theSigmoidIsStableForLargeLogits() {
    assertThat(FaceScorer.sigmoid(0f)).isEqualTo(0.5);
    assertThat(FaceScorer.sigmoid(1000f)).isEqualTo(1.0);
    assertThat(FaceScorer.sigmoid(-1000f)).isEqualTo(0.0);
    assertThat(FaceScorer.sigmoid(2f)).isCloseTo(0.8807970779778823, within(1e-12));
    assertThat(FaceScorer.sigmoid(-2f)).isCloseTo(0.11920292202211755, within(1e-12));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
