package dev.deepscreen.streams.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleStrategyTest {

  private static final List<String> TWO_MODELS = List.of("a", "b");

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
        .hasMessage("a face has 1 probabilities for 2 models [a, b]");
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
    VideoResult confident = EnsembleStrategy.reference().apply(List.of("a", "b"), faces);
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

  private static Face face(Integer track, double... probabilities) {
    return new Face(track, probabilities);
  }
}
