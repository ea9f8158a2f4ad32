package dev.deepscreen.trainer.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FaceModel;
import dev.deepscreen.core.inference.OnnxFaceModel;
import dev.deepscreen.trainer.cli.TrainerCliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's B0 classifier two ways: exported by {@code torch.onnx.export} (the fixture
 * deepfake-b0.onnx, made by trainer/scripts/fixtures/onnx_fixtures.py from the same weights as
 * deepfake-b0-legacy.pth) and run by ONNX Runtime, and imported from the checkpoint into a
 * SavedModel and run by TensorFlow; in one mixed ensemble, through the scorer's loader and the
 * {@code predict} command. Both engines give PyTorch's logits on the same three real face crops.
 */
class OnnxParityTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final double TOLERANCE = 1e-4;

  @TempDir
  static Path shared;
  static Path mixed;
  static Path onnxOnly;
  static JsonNode torch;

  @BeforeAll
  static void buildTheEnsembles() throws Exception {
    torch = JSON.readTree(PyTorchImportTest.fixture("onnx-logits.json").toFile());
    JsonNode checkpoint = JSON.readTree(PyTorchImportTest.fixture("logits.json").toFile());
    for (int i = 0; i < 3; i++) {
      // The export is of the checkpoint's own module: PyTorch gives it the same logits.
      assertThat(torch.at("/faces/" + i + "/logit").asDouble())
          .isEqualTo(checkpoint.at("/faces/" + i + "/logit").asDouble());
    }

    mixed = shared.resolve("mixed");
    TrainerCliRunner.Result result = TrainerCliRunner.run("import", "--out", mixed.toString(),
        "--version", "b0-mixed", "--name", "b0-tf",
        PyTorchImportTest.fixture("deepfake-b0-legacy.pth").toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    copyOnnxWithItsWeights(mixed);
    ObjectNode manifest = (ObjectNode) JSON.readTree(mixed.resolve("ensemble.json").toFile());
    ((ArrayNode) manifest.get("models")).add(onnxEntry("b0-onnx", 1.0));
    JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(
        mixed.resolve("ensemble.json").toFile(), manifest);

    onnxOnly = Files.createDirectories(shared.resolve("onnx"));
    copyOnnxWithItsWeights(onnxOnly);
    ObjectNode only = JSON.createObjectNode().put("version", "b0-onnx");
    only.putArray("models").add(onnxEntry("b0", 1.0));
    JSON.writeValue(onnxOnly.resolve("ensemble.json").toFile(), only);
  }

  /** The ONNX file names its weights inside the checkpoint, which must lie beside it. */
  static void copyOnnxWithItsWeights(Path folder) throws Exception {
    Files.copy(PyTorchImportTest.fixture("deepfake-b0.onnx"), folder.resolve("b0.onnx"));
    Files.copy(PyTorchImportTest.fixture("deepfake-b0-legacy.pth"),
        folder.resolve("deepfake-b0-legacy.pth"));
  }

  /** The entry a user writes for a PyTorch export: input and output names left to the model. */
  static ObjectNode onnxEntry(String name, double weight) {
    ObjectNode entry = JSON.createObjectNode().put("name", name).put("format", "onnx")
        .put("path", "b0.onnx").put("input_size", 380).put("layout", "NCHW");
    entry.putArray("mean").add(0.485).add(0.456).add(0.406);
    entry.putArray("std").add(0.229).add(0.224).add(0.225);
    return entry.put("weight", weight);
  }

  static List<Path> faces() {
    List<Path> files = new ArrayList<>();
    torch.get("faces").forEach(f -> files.add(PyTorchImportTest.fixture(f.get("file").asText())));
    return files;
  }

  static float[] logits(Ensemble.Member member) {
    List<Path> files = faces();
    FaceBatch batch = member.newBatch(files.size());
    for (int i = 0; i < files.size(); i++) {
      try (Mat face = imread(files.get(i).toString(), IMREAD_COLOR)) {
        member.preprocessor().write(face, batch, i);
      }
    }
    return member.model().logits(batch);
  }

  @Test
  void theOnnxExportGivesPyTorchsLogitsThroughTheEnsembleLoader() {
    try (Ensemble ensemble = Ensemble.load(onnxOnly)) {
      Ensemble.Member b0 = ensemble.members().get(0);
      assertThat(b0.model()).isInstanceOf(OnnxFaceModel.class);
      assertThat(((OnnxFaceModel) b0.model()).inputName()).isEqualTo("image");
      assertThat(((OnnxFaceModel) b0.model()).outputName()).isEqualTo("logit");
      float[] logits = logits(b0);
      for (int i = 0; i < logits.length; i++) {
        assertThat((double) logits[i]).as(torch.at("/faces/" + i + "/file").asText())
            .isCloseTo(torch.at("/faces/" + i + "/logit").asDouble(), within(TOLERANCE));
      }
      // Three faces, three different answers: parity is not two constants agreeing.
      assertThat(logits[0]).isNotEqualTo(logits[1]);
    }
  }

  @Test
  void theImportedSavedModelAndTheOnnxExportAgreeOnTheSameCrops() {
    try (Ensemble ensemble = Ensemble.load(mixed)) {
      assertThat(EnsembleManifest.read(mixed).models()).extracting(m -> m.modelFormat().name())
          .containsExactly("SAVEDMODEL", "ONNX");
      Ensemble.Member tf = ensemble.members().get(0);
      Ensemble.Member onnx = ensemble.members().get(1);
      assertThat(tf.model()).isInstanceOf(FaceModel.class);
      assertThat(onnx.model()).isInstanceOf(OnnxFaceModel.class);
      float[] fromTensorFlow = logits(tf);
      float[] fromOnnx = logits(onnx);
      for (int i = 0; i < fromOnnx.length; i++) {
        assertThat((double) fromOnnx[i]).isCloseTo(fromTensorFlow[i], within(TOLERANCE));
        assertThat((double) fromTensorFlow[i])
            .isCloseTo(torch.at("/faces/" + i + "/logit").asDouble(), within(TOLERANCE));
      }
    }
  }

  @Test
  void predictScoresWithAMixedEnsemble() throws Exception {
    List<String> command = new ArrayList<>(List.of("predict", "--ensemble", mixed.toString(),
        "--batch-size", "2"));
    faces().forEach(f -> command.add(f.toString()));

    TrainerCliRunner.Result result = TrainerCliRunner.run(command.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      double expected = torch.at("/faces/" + i + "/logit").asDouble();
      assertThat(line.get("models")).extracting(m -> m.get("name").asText())
          .containsExactly("b0-tf", "b0-onnx");
      for (JsonNode model : line.get("models")) {
        assertThat(model.get("logit").asDouble()).isCloseTo(expected, within(TOLERANCE));
      }
      assertThat(line.get("probability").asDouble())
          .isCloseTo(1 / (1 + Math.exp(-expected)), within(TOLERANCE));
    }
  }
}
