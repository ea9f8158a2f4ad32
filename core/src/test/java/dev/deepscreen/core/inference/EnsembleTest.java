package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Ensembles of SavedModels the test exports, loaded from their manifest. */
class EnsembleTest {

  @TempDir
  Path dir;

  @BeforeEach
  void exportModels() throws Exception {
    TinyModels.export(dir.resolve("small"), 8, 1f, 0f);
    TinyModels.export(dir.resolve("large"), 16, -1f, 0.5f);
  }

  private static String model(String name, String path, int size, String extra) {
    return "{\"name\": \"" + name + "\", \"path\": \"" + path + "\", \"input_size\": " + size
        + ", \"layout\": \"NHWC\", \"mean\": [0.485, 0.456, 0.406],"
        + " \"std\": [0.229, 0.224, 0.225], \"signature\": \"serving_default\","
        + " \"input\": \"image\", \"output\": \"logit\", \"weight\": 1.0" + extra + "}";
  }

  private void manifest(String models) throws Exception {
    Files.writeString(dir.resolve("ensemble.json"),
        "{\"version\": \"2026.11.1\", \"models\": [" + models + "]}");
  }

  @Test
  void loadsEveryModelWithItsOwnInputSizeInManifestOrder() throws Exception {
    manifest(model("a", "small", 8, "") + "," + model("b", "large", 16, ""));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      assertThat(ensemble.version()).isEqualTo("2026.11.1");
      assertThat(ensemble.members()).extracting(m -> m.model().name()).containsExactly("a", "b");
      Ensemble.Member large = ensemble.members().get(1);
      try (TFloat32 batch = TFloat32.tensorOf(Shape.of(1, 16, 16, 3))) {
        batch.scalars().forEach(pixel -> pixel.setFloat(0.25f));
        assertThat(large.model().logits(batch)[0]).isEqualTo(0.25f);
      }
      assertThat(large.preprocessor().inputSize()).isEqualTo(16);
    }
  }

  @Test
  void aModelThatDoesNotMatchItsEntryFailsTheWholeLoadNamingIt() throws Exception {
    manifest(model("a", "small", 8, "") + "," + model("b", "large", 8, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).isInstanceOf(ModelException.class)
        .hasMessageStartingWith("Model b: input 'image' is DT_FLOAT [-1, 16, 16, 3], expected");
  }

  @Test
  void manifestMistakesAreReportedPrecisely() throws Exception {
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageStartingWith("No ensemble manifest at");

    manifest(model("a", "small", 8, ", \"wieght\": 2"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageContaining("is invalid")
        .hasMessageContaining("wieght");

    manifest(model("a", "small", 8, "").replace("NHWC", "NCHW"));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model a: layout NCHW is not supported; use NHWC");

    manifest(model("a", "../small", 8, ""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model a: path must stay inside the ensemble directory: ../small");

    manifest(model("a", "small", 8, "") + "," + model("a", "large", 16, ""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model names must be unique and non-empty: a");

    manifest(model("a", "missing", 8, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageStartingWith("Model a: no SavedModel");

    manifest(model("a", "small", 8, "").replace(", \"weight\": 1.0", ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageContaining("is invalid")
        .hasMessageContaining("weight");

    manifest(model("a", "small", 8, ", \"source\": {\"file\": \"x.pth\"}"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageContaining("is invalid")
        .hasMessageContaining("sha256");
  }

  @Test
  void anImportedModelNamesItsSourceFileAndOlderManifestsHaveNone() throws Exception {
    manifest(model("a", "small", 8, ", \"source\": {\"file\": \"final_111.pth\","
        + " \"sha256\": \"ab12\", \"format\": \"pytorch-legacy\"}") + ","
        + model("b", "large", 16, ""));
    EnsembleManifest manifest = EnsembleManifest.read(dir);
    assertThat(manifest.models().get(0).source())
        .isEqualTo(new EnsembleManifest.Source("final_111.pth", "ab12", "pytorch-legacy"));
    assertThat(manifest.models().get(1).source()).isNull();
  }
}
