package dev.deepscreen.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FacePhotos;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The committed default ensemble loads with the scorer's loader and scores real face crops. */
class DefaultEnsembleTest {

  static final Path DEFAULT = Path.of("..", "core", "src", "main", "resources", "dev",
      "deepscreen", "core", "ensembles", "default");

  @Test
  void theDefaultEnsembleLoadsAndScoresPipelineCrops() {
    try (Ensemble ensemble = Ensemble.load(DEFAULT)) {
      assertThat(ensemble.version()).startsWith("demo-synth-");
      Ensemble.Member member = ensemble.members().get(0);
      FaceCropper cropper = new FaceCropper(380, 0.3);
      FaceBatch batch = member.newBatch(3);
      try (Mat photo = FacePhotos.read("sample1.jpg")) {
        int i = 0;
        for (FaceBox face : FacePhotos.labelledFaces().get("sample1.jpg")) {
          try (Mat crop = cropper.crop(photo, face)) {
            member.preprocessor().write(crop, batch, i++);
          }
        }
        float[] logits = member.model().logits(batch);
        assertThat(logits).hasSize(3);
        for (float logit : logits) {
          assertThat(logit).isFinite();
        }
        assertThat(logits[0]).isNotEqualTo(logits[1]);
      }
    }
  }
}
