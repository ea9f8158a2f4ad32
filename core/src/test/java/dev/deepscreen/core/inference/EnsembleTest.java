package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      assertThat(large.model().logits(TinyModels.uniformBatch(large.model(), 0.25f))[0])
          .isEqualTo(0.25f);
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
        .hasMessageEndingWith("model a: layout NCHW is not supported for a SavedModel; use NHWC");

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

  private static String onnx(String name, String extra) {
    return TinyModels.onnxEntry(name, name + ".onnx", 64, "NCHW", 1.0, extra);
  }

  @Test
  void theFormatFieldsAreCheckedStrictlyAndSavedModelEntriesStayAsStrictAsBefore()
      throws Exception {
    manifest(model("a", "small", 8, ", \"format\": \"tflite\""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model a: format tflite is not supported; use savedmodel or onnx");

    manifest(model("a", "small", 8, "").replace(", \"signature\": \"serving_default\"", ""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model a: a SavedModel needs 'signature'");

    manifest(model("a", "small", 8, ", \"format\": \"savedmodel\"").replace(
        ", \"output\": \"logit\"", ""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model a: a SavedModel needs 'output'");

    manifest(onnx("r", ", \"signature\": \"serving_default\""));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model r: an ONNX model has no signature; remove 'signature'");

    manifest(onnx("r", "").replace("NCHW", "CHW"));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model r: layout CHW is not supported; use NCHW or NHWC");

    manifest(onnx("r", ", \"input\": \" \""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageEndingWith("model r: 'input' is"
        + " empty; name the model's input or leave the field out when it has only one");

    manifest(onnx("r", "").replace("r.onnx", "r.bin"));
    assertThatThrownBy(() -> Ensemble.load(dir))
        .hasMessageEndingWith("model r: path must name a .onnx file: r.bin");

    manifest(onnx("r", ", \"output_kind\": \"softmax\""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageEndingWith("model r: output_kind"
        + " softmax is not supported; use logit, probability or two_class_logits");

    manifest(onnx("r", ", \"output_kind\": \"two_class_logits\""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageEndingWith("model r:"
        + " two_class_logits needs fake_class, the index (0 or 1) of the fake class: null");

    manifest(onnx("r", ", \"output_kind\": \"two_class_logits\", \"fake_class\": 2"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageEndingWith("model r:"
        + " two_class_logits needs fake_class, the index (0 or 1) of the fake class: 2");

    manifest(onnx("r", ", \"output_kind\": \"probability\", \"fake_class\": 1"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageEndingWith("model r: fake_class is"
        + " only for output_kind two_class_logits");

    manifest(onnx("r", ", \"fake_clas\": 1"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageContaining("is invalid")
        .hasMessageContaining("fake_clas");
  }

  @Test
  void aManifestWithoutTheNewFieldsReadsAsSavedModelsWithLogits() throws Exception {
    manifest(model("a", "small", 8, ""));
    EnsembleManifest.Model entry = EnsembleManifest.read(dir).models().get(0);
    assertThat(entry.format()).isNull();
    assertThat(entry.modelFormat()).isEqualTo(EnsembleManifest.ModelFormat.SAVEDMODEL);
    assertThat(entry.scoreOutput()).isEqualTo(ScoreOutput.LOGIT);
    assertThat(entry.inputLayout()).isEqualTo(InputLayout.NHWC);
    // Written back, a SavedModel entry has exactly the fields it had.
    String written = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(entry);
    assertThat(written).doesNotContain("format").doesNotContain("output_kind")
        .doesNotContain("fake_class").doesNotContain("modelFormat")
        .doesNotContain("scoreOutput").contains("\"signature\":\"serving_default\"");
  }

  @Test
  void anOnnxEntryMayLeaveItsNamesToTheModel() throws Exception {
    manifest(onnx("r", ", \"output_kind\": \"two_class_logits\", \"fake_class\": 0"));
    EnsembleManifest.Model entry = EnsembleManifest.read(dir).models().get(0);
    assertThat(entry.modelFormat()).isEqualTo(EnsembleManifest.ModelFormat.ONNX);
    assertThat(entry.input()).isNull();
    assertThat(entry.output()).isNull();
    assertThat(entry.inputLayout()).isEqualTo(InputLayout.NCHW);
    assertThat(entry.scoreOutput()).isEqualTo(ScoreOutput.twoClass(0));
  }
}
