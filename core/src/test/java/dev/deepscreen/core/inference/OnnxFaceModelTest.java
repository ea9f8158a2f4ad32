package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models as PyTorch exports them (trainer/scripts/fixtures/onnx_fixtures.py), run by a real
 * ONNX Runtime session through {@link Ensemble#load}: two-class logits, a probability and a
 * logit output, NCHW and NHWC, and every kind of bad file refused when the ensemble loads.
 */
class OnnxFaceModelTest {

  static JsonNode expected;
  static List<float[]> faces = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void readTheFixtures(@TempDir Path resources) throws Exception {
    expected = new ObjectMapper().readTree(OnnxFaceModelTest.class
        .getResourceAsStream(TinyModels.ONNX + "tiny-expected.json"));
    FacePreprocessor preprocessor = new FacePreprocessor(64, FacePreprocessor.IMAGENET_MEAN,
        FacePreprocessor.IMAGENET_STD);
    for (JsonNode name : expected.get("images")) {
      Path png = TinyModels.copyOnnx(name.asText(), resources, name.asText());
      try (Mat image = imread(png.toString(), IMREAD_COLOR)) {
        assertThat(image.empty()).isFalse();
        faces.add(preprocessor.toInput(image));
      }
    }
  }

  static FaceBatch batchFor(FaceClassifier model) {
    FaceBatch batch = model.newBatch(faces.size());
    for (int i = 0; i < faces.size(); i++) {
      batch.put(i, faces.get(i));
    }
    return batch;
  }

  private void manifest(String... entries) throws Exception {
    TinyModels.writeManifest(dir, "onnx-1", entries);
  }

  private String probabilityModel(String name, String layout, int size, String extra)
      throws Exception {
    TinyModels.copyOnnx("tiny-probability.onnx", dir, name + ".onnx");
    return TinyModels.onnxEntry(name, name + ".onnx", size, layout, 1.0, extra);
  }

  @Test
  void twoClassLogitsGiveTheFakeClasssSoftmaxAsPyTorchComputesIt() throws Exception {
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      FaceClassifier model = ensemble.members().get(0).model();
      assertThat(model).isInstanceOf(OnnxFaceModel.class);
      assertThat(model.layout()).isEqualTo(InputLayout.NCHW);
      assertThat(((OnnxFaceModel) model).inputName()).isEqualTo("image");
      assertThat(((OnnxFaceModel) model).outputName()).isEqualTo("logits");
      float[] logits = model.logits(batchFor(model));
      for (int i = 0; i < faces.size(); i++) {
        JsonNode pair = expected.get("two_class_logits").get(i);
        double real = pair.get(0).asDouble();
        double fake = pair.get(1).asDouble();
        assertThat((double) logits[i]).isCloseTo(fake - real, within(1e-4));
        double softmax = Math.exp(fake) / (Math.exp(fake) + Math.exp(real));
        assertThat(ScoreOutput.probability(logits[i])).isCloseTo(softmax, within(1e-5));
      }
    }
  }

  @Test
  void onTheCpuABatchRunsInCallsOfAtMostOneFaceOf380PixelsAndGivesEveryFaceItsLogit()
      throws Exception {
    InferenceOptions.OnnxCpu sized = InferenceOptions.OnnxCpu.DEFAULTS;
    assertThat(sized.facesPerCall(380)).isEqualTo(1);
    assertThat(sized.facesPerCall(512)).isEqualTo(1);
    assertThat(sized.facesPerCall(224)).isEqualTo(2);
    assertThat(sized.facesPerCall(64)).isEqualTo(35);
    assertThat(new InferenceOptions.OnnxCpu(false, 7).facesPerCall(64)).isEqualTo(7);
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    // By input size (80 faces of 64 pixels: calls of 35, 35 and 10), in calls of 7 with
    // spinning threads, and in one call: every face gets PyTorch's logit each time.
    for (InferenceOptions.OnnxCpu onnxCpu : List.of(sized, new InferenceOptions.OnnxCpu(true, 7),
        new InferenceOptions.OnnxCpu(false, 80))) {
      try (Ensemble ensemble = Ensemble.load(dir, new InferenceOptions(
          InferenceOptions.Device.CPU, InferenceOptions.Threads.AUTO,
          InferenceOptions.Threads.AUTO, false, onnxCpu))) {
        FaceClassifier model = ensemble.members().get(0).model();
        FaceBatch batch = model.newBatch(80);
        for (int i = 0; i < 80; i++) {
          batch.put(i, faces.get(i % faces.size()));
        }
        float[] logits = model.logits(batch);
        assertThat(logits).hasSize(80);
        for (int i = 0; i < 80; i++) {
          JsonNode pair = expected.get("two_class_logits").get(i % faces.size());
          assertThat((double) logits[i]).as("%s: face %d", onnxCpu, i)
              .isCloseTo(pair.get(1).asDouble() - pair.get(0).asDouble(), within(1e-4));
        }
      }
    }
    assertThatThrownBy(() -> new InferenceOptions.OnnxCpu(false, -1))
        .hasMessageContaining("faces per call");
  }

  @Test
  void theFakeClassIndexDecidesWhichSideIsFake() throws Exception {
    String entry = TinyModels.twoClassOnnx(dir, "resnet", 1.0);
    manifest(entry, entry.replace("\"resnet\"", "\"flipped\"").replace("\"fake_class\": 1",
        "\"fake_class\": 0"));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      float[] one = ensemble.members().get(0).model().logits(batchFor(
          ensemble.members().get(0).model()));
      float[] zero = ensemble.members().get(1).model().logits(batchFor(
          ensemble.members().get(1).model()));
      for (int i = 0; i < one.length; i++) {
        assertThat(zero[i]).isEqualTo(-one[i]);
        assertThat(one[i]).isNotZero();
      }
    }
  }

  @Test
  void aProbabilityOutputAndALogitOutputMeanTheSameScoreInNhwc() throws Exception {
    manifest(probabilityModel("p", "NHWC", 64, ", \"output\": \"probability\","
        + " \"output_kind\": \"probability\""),
        probabilityModel("l", "NHWC", 64, ", \"input\": \"image\", \"output\": \"logit\""));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      FaceClassifier probability = ensemble.members().get(0).model();
      FaceClassifier logit = ensemble.members().get(1).model();
      assertThat(probability.layout()).isEqualTo(InputLayout.NHWC);
      float[] fromProbability = probability.logits(batchFor(probability));
      float[] fromLogit = logit.logits(batchFor(logit));
      for (int i = 0; i < faces.size(); i++) {
        double torchLogit = expected.get("logit").get(i).asDouble();
        double torchProbability = expected.get("probability").get(i).asDouble();
        assertThat((double) fromLogit[i]).isCloseTo(torchLogit, within(1e-4));
        assertThat((double) fromProbability[i]).isCloseTo(torchLogit, within(1e-4));
        assertThat(ScoreOutput.probability(fromProbability[i]))
            .isCloseTo(torchProbability, within(1e-6));
      }
    }
  }

  @Test
  void aMixedEnsembleLoadsBothEnginesInManifestOrder() throws Exception {
    TinyModels.export(dir.resolve("saved"), 8, 2f, 0f);
    manifest(TinyModels.manifestEntry("tf", "saved", 8, 1.0),
        TinyModels.twoClassOnnx(dir, "onnx", 2.0));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      assertThat(ensemble.models()).extracting(m -> m.name() + "=" + m.weight())
          .containsExactly("tf=1.0", "onnx=2.0");
      assertThat(ensemble.members().get(0).model().engine()).startsWith("TensorFlow ");
      assertThat(ensemble.members().get(1).model().engine())
          .isEqualTo("ONNX Runtime 1.23.2 (CPU)");
      Ensemble.Member tf = ensemble.members().get(0);
      assertThat(tf.model().logits(TinyModels.uniformBatch(tf.model(), 0.5f))[0])
          .isEqualTo(1f);
      Ensemble.Member onnx = ensemble.members().get(1);
      assertThat(onnx.newBatch(2).shape()).containsExactly(2, 3, 64, 64);
      assertThat(onnx.model().logits(batchFor(onnx.model()))).hasSize(3);
    }
  }

  @Test
  void anOnnxModelHasNoHeatmapAndSaysSoWithoutAnError() throws Exception {
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    try (Ensemble ensemble = Ensemble.load(dir)) {
      FaceClassifier model = ensemble.members().get(0).model();
      assertThat(model.explains()).isFalse();
      Scores scores = model.scores(batchFor(model), true);
      assertThat(scores.heatmaps()).isEmpty();
      assertThat(scores.logits()).containsExactly(model.logits(batchFor(model)));
    }
  }

  @Test
  void theGpuDeviceOnTheCpuBuildRunsOnTheCpuAndSaysWhy() throws Exception {
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    InferenceOptions gpu = new InferenceOptions(InferenceOptions.Device.GPU,
        InferenceOptions.Threads.AUTO, new InferenceOptions.Threads(1, 1), false);
    try (Ensemble ensemble = Ensemble.load(dir, gpu)) {
      FaceClassifier model = ensemble.members().get(0).model();
      assertThat(model.engine()).isEqualTo("ONNX Runtime 1.23.2 (CPU: this build of ONNX"
          + " Runtime has no CUDA provider)");
      assertThat(model.logits(batchFor(model))).hasSize(3);
    }
  }

  @Test
  void aModelThatDoesNotMatchItsEntryIsRefusedNamingItAndWhy() throws Exception {
    manifest(probabilityModel("p", "NHWC", 64, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).isInstanceOf(ModelException.class)
        .hasMessage("Model p: the model has 2 outputs [probability, logit]; name the one to use"
            + " in the manifest's 'output'");

    manifest(probabilityModel("p", "NCHW", 64, ", \"output\": \"logit\""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model p: input 'image' is FLOAT"
        + " [-1, 64, 64, 3], expected FLOAT [-1, 3, 64, 64] (NCHW, the manifest's layout and"
        + " input size)");

    manifest(probabilityModel("p", "NHWC", 380, ", \"output\": \"logit\""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model p: input 'image' is FLOAT"
        + " [-1, 64, 64, 3], expected FLOAT [-1, 380, 380, 3] (NHWC, the manifest's layout and"
        + " input size)");

    manifest(probabilityModel("p", "NHWC", 64, ", \"output\": \"score\""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model p: the model has no output"
        + " 'score'; it has [probability, logit]");

    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0).replace(
        ", \"output_kind\": \"two_class_logits\", \"fake_class\": 1", ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model resnet: output 'logits' is"
        + " FLOAT [-1, 2], expected FLOAT [batch] or [batch, 1] for output_kind logit");

    manifest(probabilityModel("p", "NHWC", 64, ", \"output\": \"probability\","
        + " \"output_kind\": \"two_class_logits\", \"fake_class\": 0"));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model p: output 'probability' is"
        + " FLOAT [-1], expected FLOAT [batch, 2] for output_kind two_class_logits (fake class"
        + " 0)");
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedBeforeOnnxRuntimeReadsIt() throws Exception {
    Files.writeString(dir.resolve("notes.onnx"), "not a model, just notes\n");
    manifest(TinyModels.onnxEntry("notes", "notes.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).isInstanceOf(ModelException.class)
        .hasMessageStartingWith("Model notes: " + dir.resolve("notes.onnx")
            + " is not an ONNX model: ");

    Files.write(dir.resolve("empty.onnx"), new byte[0]);
    manifest(TinyModels.onnxEntry("empty", "empty.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model empty: "
        + dir.resolve("empty.onnx") + " is not an ONNX model: it has no IR version");

    // A length that runs past the end: field 7 (the graph), 1000 bytes announced, 2 there.
    Files.write(dir.resolve("cut.onnx"), new byte[] {0x08, 0x07, 0x3a, (byte) 0xe8, 0x07, 1, 2});
    manifest(TinyModels.onnxEntry("cut", "cut.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model cut: "
        + dir.resolve("cut.onnx") + " is not an ONNX model: a field of 1000 bytes runs past the"
        + " end");

    manifest(TinyModels.onnxEntry("gone", "gone.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessage("Model gone: no ONNX model at "
        + dir.resolve("gone.onnx"));
  }

  @Test
  void externalDataOutsideTheEnsembleFolderIsRefused() throws Exception {
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    // The file the escaping model names exists, so only the check stands between them.
    Files.write(dir.resolve("outside.bin"), new byte[16]);
    TinyModels.copyOnnx("external-escape.onnx", ensemble, "escape.onnx");
    TinyModels.writeManifest(ensemble, "x", TinyModels.onnxEntry("escape", "escape.onnx", 4,
        "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(ensemble)).hasMessage("Model escape: tensor 'c'"
        + " names external data at '../outside.bin', outside the ensemble folder");

    TinyModels.copyOnnx("external-absolute.onnx", ensemble, "absolute.onnx");
    TinyModels.writeManifest(ensemble, "x", TinyModels.onnxEntry("absolute", "absolute.onnx", 4,
        "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(ensemble)).hasMessage("Model absolute: tensor 'c'"
        + " names external data at '/etc/hostname', an absolute path; external data must lie"
        + " inside the ensemble folder");

    // A link inside the folder that leads out of it.
    Path nested = Files.createDirectories(ensemble.resolve("nested"));
    TinyModels.copyOnnx("external-escape.onnx", nested, "escape.onnx");
    Files.createSymbolicLink(ensemble.resolve("outside.bin"), dir.resolve("outside.bin"));
    TinyModels.writeManifest(ensemble, "x", TinyModels.onnxEntry("linked", "nested/escape.onnx",
        4, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(ensemble)).hasMessage("Model linked: tensor 'c'"
        + " names external data at '../outside.bin', a link that leads outside the ensemble"
        + " folder");
  }

  @Test
  void anOperatorTheRuntimeLacksIsRefusedWithOnnxRuntimesReason() throws Exception {
    TinyModels.copyOnnx("unknown-op.onnx", dir, "unknown.onnx");
    manifest(TinyModels.onnxEntry("unknown", "unknown.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).isInstanceOf(ModelException.class)
        .hasMessageStartingWith("Model unknown: ONNX Runtime cannot load "
            + dir.resolve("unknown.onnx") + ": ")
        .hasMessageContaining("FaceSwapDetector");
  }

  @Test
  void aModelExportedWithAFixedBatchIsRefusedWithTheFix() throws Exception {
    TinyModels.copyOnnx("fixed-batch.onnx", dir, "fixed.onnx");
    manifest(TinyModels.onnxEntry("fixed", "fixed.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).isInstanceOf(ModelException.class)
        .hasMessage("Model fixed: input 'image' has a fixed batch of 1; export the model with a"
            + " dynamic batch dimension");
  }

  @Test
  void aFailingModelClosesTheModelsLoadedBeforeIt() throws Exception {
    TinyModels.export(dir.resolve("saved"), 8, 2f, 0f);
    Files.writeString(dir.resolve("broken.onnx"), "broken");
    manifest(TinyModels.twoClassOnnx(dir, "first", 1.0), TinyModels.manifestEntry("tf", "saved",
        8, 1.0), TinyModels.onnxEntry("broken", "broken.onnx", 64, "NCHW", 1, ""));
    assertThatThrownBy(() -> Ensemble.load(dir)).hasMessageStartingWith("Model broken: ");
  }

  @Test
  void aClosedModelRefusesWorkAndClosingTwiceIsHarmless() throws Exception {
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    Ensemble ensemble = Ensemble.load(dir);
    FaceClassifier model = ensemble.members().get(0).model();
    FaceBatch batch = batchFor(model);
    ensemble.close();
    ensemble.close();
    model.close();
    assertThatThrownBy(() -> model.logits(batch)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Model resnet is closed");
    assertThatThrownBy(() -> model.logits(new FaceBatch(1, 32, InputLayout.NCHW)))
        .hasMessage("Model resnet takes NCHW faces of 64 pixels, not NCHW of 32");
  }

  @Test
  void closingWhileStreamThreadsScoreLetsEveryCallFinishOrBeRefused() throws Exception {
    manifest(TinyModels.twoClassOnnx(dir, "resnet", 1.0));
    Ensemble ensemble = Ensemble.load(dir);
    FaceClassifier model = ensemble.members().get(0).model();
    CloseWhileScoring.check(model, () -> batchFor(model), model.logits(batchFor(model)), 10,
        ensemble::close);
  }
}
