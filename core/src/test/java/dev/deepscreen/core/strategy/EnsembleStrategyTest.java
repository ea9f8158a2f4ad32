package dev.deepscreen.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleStrategyTest {

  private static final List<EnsembleModel> TWO_MODELS =
      List.of(new EnsembleModel("a", 1), new EnsembleModel("b", 1));
  private static final List<EnsembleModel> THREE_TO_ONE =
      List.of(new EnsembleModel("a", 3), new EnsembleModel("b", 1));

  @Test
  void emptyInputIsRefusedRatherThanNaN() {
    assertThatThrownBy(() -> ConfidentStrategy.apply(new double[0], 0.8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no face");
    assertThatThrownBy(() -> EnsembleStrategy.reference().apply(TWO_MODELS, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no face: a video without scored faces has no result");
  }

  @Test
  void probabilitiesOutsideTheUnitIntervalAreRefused() {
    assertThatThrownBy(() -> new Face(null, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a probability must be in [0, 1]: NaN");
    assertThatThrownBy(() -> new Face(null, new double[] {1.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFaceMustHaveOneProbabilityPerModel() {
    assertThatThrownBy(() -> EnsembleStrategy.reference()
        .apply(TWO_MODELS, List.of(new Face(null, new double[] {0.1}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a face has 1 probabilities for 2 models [a (weight 1.0), b (weight 1.0)]");
  }

  @Test
  void thresholdMustLieStrictlyBetweenZeroAndOne() {
    assertThatThrownBy(() -> new EnsembleStrategy(Method.CONFIDENT, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the threshold must be in (0, 1): 1.0");
  }

  @Test
  void meanMethodAveragesEveryFaceThenTheModels() {
    List<Face> faces = List.of(face(null, 0.9, 0.1), face(null, 0.5, 0.3));
    VideoResult result = new EnsembleStrategy(Method.MEAN, 0.8).apply(TWO_MODELS, faces);
    assertThat(result.models()).extracting(m -> m.result().probability())
        .containsExactly(0.7, 0.2);
    assertThat(result.models()).allSatisfy(m -> {
      assertThat(m.result().branch()).isEqualTo(Branch.MEAN_OF_ALL);
      assertThat(m.result().faces()).isEqualTo(2);
    });
    assertThat(result.probability()).isCloseTo(0.45, within(1e-15));
  }

  @Test
  void perTrackLetsTheMostSuspiciousPersonDecide() {
    List<Face> faces = new ArrayList<>();
    // 16 real-looking faces of person 1, 13 confidently fake faces of person 2 and 3 untracked.
    for (int i = 0; i < 16; i++) {
      faces.add(face(1, 0.05, 0.1));
    }
    for (int i = 0; i < 13; i++) {
      faces.add(face(2, 0.95, 0.85));
    }
    for (int i = 0; i < 3; i++) {
      faces.add(face(null, 0.5, 0.5));
    }
    VideoResult perTrack = new EnsembleStrategy(Method.PER_TRACK, 0.8).apply(TWO_MODELS, faces);
    assertThat(perTrack.probability()).isCloseTo(0.9, within(1e-12));
    assertThat(perTrack.tracks()).extracting(TrackOutcome::trackId).containsExactly(2, null, 1);
    assertThat(perTrack.tracks()).extracting(TrackOutcome::faces).containsExactly(13, 3, 16);
    assertThat(perTrack.models()).extracting(m -> m.result().branch())
        .containsExactly(Branch.CONFIDENT_FAKE, Branch.CONFIDENT_FAKE);

    // The reference strategy over the whole video sees 13 of 32 fakes: more than 32 // 2.5 = 12.
    VideoResult confident = EnsembleStrategy.reference().apply(TWO_MODELS, faces);
    assertThat(confident.probability()).isCloseTo(0.9, within(1e-12));
    assertThat(confident.tracks()).isEqualTo(perTrack.tracks());
  }

  @Test
  void perTrackCatchesAFakePersonTheWholeVideoAveragesAway() {
    List<Face> faces = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      faces.add(face(1, 0.1, 0.1));
    }
    for (int i = 0; i < 12; i++) {
      faces.add(face(2, 0.9, 0.9));
    }
    // Over the whole video 12 fakes are more than 11 but not more than 52 // 2.5 = 20.
    VideoResult confident = EnsembleStrategy.reference().apply(TWO_MODELS, faces);
    assertThat(confident.models().get(0).result().branch()).isEqualTo(Branch.MEAN_OF_ALL);
    assertThat(confident.probability()).isLessThan(0.3);
    VideoResult perTrack = new EnsembleStrategy(Method.PER_TRACK, 0.8).apply(TWO_MODELS, faces);
    assertThat(perTrack.probability()).isCloseTo(0.9, within(1e-12));
  }

  @Test
  void untrackedVideosHaveNoTrackResultsButPerTrackStillWorks() {
    List<Face> faces = List.of(face(null, 0.3, 0.5), face(null, 0.5, 0.7));
    VideoResult result = new EnsembleStrategy(Method.PER_TRACK, 0.8).apply(TWO_MODELS, faces);
    assertThat(result.tracks()).isEmpty();
    assertThat(result.probability()).isCloseTo(0.5, within(1e-15));
  }

  @Test
  void eachModelsResultCountsByItsWeight() {
    List<Face> faces = new ArrayList<>();
    // Model a: 13 of 14 faces above 0.8, more than 14 // 2.5 = 5 and than 11: confidently fake,
    // the mean of those, 0.9. Model b: every face below 0.2: confidently real, 0.1.
    for (int i = 0; i < 13; i++) {
      faces.add(face(1, 0.9, 0.1));
    }
    faces.add(face(2, 0.3, 0.1));

    VideoResult result = EnsembleStrategy.reference().apply(THREE_TO_ONE, faces);

    assertThat(result.models()).extracting(ModelOutcome::model).containsExactly("a", "b");
    assertThat(result.models()).extracting(m -> m.result().branch())
        .containsExactly(Branch.CONFIDENT_FAKE, Branch.CONFIDENT_REAL);
    assertThat(result.models().get(0).result().probability()).isCloseTo(0.9, within(1e-12));
    assertThat(result.models().get(1).result().probability()).isCloseTo(0.1, within(1e-12));
    assertThat(result.probability()).isCloseTo((3 * 0.9 + 1 * 0.1) / 4, within(1e-12));
    assertThat(EnsembleStrategy.reference().apply(TWO_MODELS, faces).probability())
        .as("the same faces with equal weights").isCloseTo(0.5, within(1e-12));
  }

  @Test
  void eachTracksResultIsWeightedToo() {
    List<Face> faces = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      faces.add(face(1, 0.9, 0.1));
    }
    faces.add(face(2, 0.3, 0.1));

    VideoResult perTrack = new EnsembleStrategy(Method.PER_TRACK, 0.8).apply(THREE_TO_ONE, faces);

    // Person 1 as the whole video above: 0.9 and 0.1. Person 2, one face: model a has neither
    // a fake nor a face below 0.2, so its mean, 0.3; model b's one face is below 0.2, 0.1.
    assertThat(perTrack.tracks()).extracting(TrackOutcome::trackId).containsExactly(1, 2);
    assertThat(perTrack.tracks().get(0).probability())
        .isCloseTo((3 * 0.9 + 1 * 0.1) / 4, within(1e-12));
    assertThat(perTrack.tracks().get(1).models()).extracting(m -> m.result().branch())
        .containsExactly(Branch.MEAN_OF_ALL, Branch.CONFIDENT_REAL);
    assertThat(perTrack.tracks().get(1).probability())
        .isCloseTo((3 * 0.3 + 1 * 0.1) / 4, within(1e-12));
    assertThat(perTrack.probability()).isCloseTo((3 * 0.9 + 1 * 0.1) / 4, within(1e-12));
  }

  @Test
  void aFacesEnsembleMeanIsWeighted() {
    assertThat(face(null, 0.9, 0.1).ensembleMean(THREE_TO_ONE))
        .isCloseTo((3 * 0.9 + 1 * 0.1) / 4, within(1e-15));
    assertThat(face(null, 0.9, 0.1).ensembleMean(TWO_MODELS)).isCloseTo(0.5, within(1e-15));
    assertThatThrownBy(() -> face(null, 0.9).ensembleMean(THREE_TO_ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 values for 2 models [a (weight 3.0), b (weight 1.0)]");
  }

  @Test
  void weightsMustBePositiveAndFinite() {
    for (double weight : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new EnsembleModel("a", weight))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the weight of model a must be positive and finite: " + weight);
    }
    List<EnsembleModel> huge = List.of(new EnsembleModel("a", Double.MAX_VALUE),
        new EnsembleModel("b", Double.MAX_VALUE));
    assertThatThrownBy(() -> EnsembleStrategy.reference()
        .apply(huge, List.of(face(null, 0.5, 0.5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the models' weights add up to more than a double holds");
    assertThatThrownBy(() -> EnsembleStrategy.reference().apply(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no model: the ensemble needs at least one");
  }

  private static Face face(Integer track, double... probabilities) {
    return new Face(track, probabilities);
  }
}
