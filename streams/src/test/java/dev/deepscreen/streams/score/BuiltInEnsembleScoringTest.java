package dev.deepscreen.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.core.inference.BuiltInEnsemble;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.InferenceOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ensemble built into the core jar (the trainer's demonstration model) scoring real faces. */
class BuiltInEnsembleScoringTest {

  @Test
  void theBuiltInEnsembleLoadsAndScoresRealFaces() {
    assertThat(BuiltInEnsemble.available()).isTrue();
    try (Ensemble ensemble = BuiltInEnsemble.load(InferenceOptions.CPU_DEFAULTS)) {
      assertThat(ensemble.version()).isNotBlank();
      assertThat(ensemble.members()).isNotEmpty();
      int size = ensemble.members().get(0).spec().inputSize();
      List<FaceCrop> crops = new ArrayList<>();
      UUID event = UUID.randomUUID();
      List<byte[]> faces = TestCrops.realFaces(size);
      for (int i = 0; i < faces.size(); i++) {
        crops.add(TestCrops.crop(event, i, 0, faces.get(i), size));
      }
      List<FaceScorer.Outcome> outcomes = new FaceScorer(ensemble).score(crops);
      assertThat(outcomes).hasSize(22).noneMatch(FaceScorer.Outcome::failed);
      for (FaceScorer.Outcome outcome : outcomes) {
        assertThat(outcome.probabilities()).hasSize(ensemble.members().size());
        for (double probability : outcome.probabilities()) {
          assertThat(probability).isStrictlyBetween(0.0, 1.0);
        }
      }

      // Its export has the Grad-CAM signature: every face has an 8x8 map (128 pixels, four
      // stride-2 convolutions), computed in the same session run as the probability.
      FaceScorer scorer = new FaceScorer(ensemble);
      dev.deepscreen.avro.FaceScore score = scorer.faceScore(crops.get(0), outcomes.get(0),
          java.time.Instant.EPOCH);
      dev.deepscreen.avro.Heatmap heatmap = score.getModelScores().get(0).getHeatmap();
      assertThat(heatmap.getWidth()).isEqualTo(8);
      assertThat(heatmap.getHeight()).isEqualTo(8);
      assertThat(heatmap.getCells().remaining()).isEqualTo(64);
      assertThat(score.getBox()).isEqualTo(crops.get(0).getBox());
      List<FaceScorer.Outcome> plain = new FaceScorer(ensemble, false).score(crops);
      for (int i = 0; i < outcomes.size(); i++) {
        assertThat(outcomes.get(i).heatmaps()).doesNotContainNull();
        assertThat(plain.get(i).heatmaps()).containsOnlyNulls();
        assertThat(plain.get(i).probabilities()).containsExactly(outcomes.get(i).probabilities(),
            org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }
}
