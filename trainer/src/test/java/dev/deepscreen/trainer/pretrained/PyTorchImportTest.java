package dev.deepscreen.trainer.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.trainer.cli.TrainerCliRunner;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's classifier, as PyTorch 1.13 saved it, imported and run by the scoring stage's
 * own loader. The fixture (trainer/scripts/fixtures/efficientnet_fixtures.py) is a
 * {@code DeepFakeClassifier} around a plain-PyTorch restatement of timm's
 * {@code tf_efficientnet_b0}, with deterministic weights, saved in the legacy format with the
 * reference's wrapper dict, and its float32 logits on three real face crops at 380 pixels.
 */
class PyTorchImportTest {

  static final String FIXTURES = "/dev/deepscreen/trainer/pretrained/";
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path shared;
  static Path ensemble;
  static String importLog;

  static Path fixture(String name) {
    try {
      return Path.of(PyTorchImportTest.class.getResource(FIXTURES + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void importTheFixture() throws Exception {
    ensemble = shared.resolve("ensemble");
    TrainerCliRunner.Result result = TrainerCliRunner.run("import", "--out", ensemble.toString(),
        "--version", "b0-fixture", "--name", "b0", fixture("deepfake-b0-legacy.pth").toString());
    importLog = result.out();
    assertThat(result.exitCode()).as(result.err()).isZero();
  }

  @Test
  void theImportedClassifierGivesPyTorchsLogitsThroughTheScorersLoader() throws Exception {
    JsonNode expected = JSON.readTree(fixture("logits.json").toFile());
    List<String> images = new ArrayList<>();
    expected.get("faces").forEach(f -> images.add(fixture(f.get("file").asText()).toString()));
    List<String> command = new ArrayList<>(List.of("predict", "--ensemble",
        ensemble.toString()));
    command.addAll(images);

    TrainerCliRunner.Result result = TrainerCliRunner.run(command.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      JsonNode face = expected.get("faces").get(i);
      assertThat(line.get("image").asText()).isEqualTo(images.get(i));
      JsonNode model = line.get("models").get(0);
      assertThat(model.get("name").asText()).isEqualTo("b0");
      assertThat(model.get("logit").asDouble()).as(face.get("file").asText())
          .isCloseTo(face.get("logit").asDouble(), within(1e-4));
      assertThat(line.get("probability").asDouble())
          .isCloseTo(face.get("probability").asDouble(), within(1e-4));
    }
  }

  @Test
  void anImageThatCannotBeReadGetsItsErrorInItsPlaceAndExitCodeOne(@TempDir Path dir)
      throws Exception {
    Path text = Files.writeString(dir.resolve("face.jpg"), "not an image");
    TrainerCliRunner.Result result = TrainerCliRunner.run("predict", "--ensemble",
        ensemble.toString(), "--batch-size", "2", fixture("face-1.png").toString(),
        text.toString(), fixture("face-2.png").toString());

    assertThat(result.exitCode()).isEqualTo(1);
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(JSON.readTree(lines.get(0)).get("image").asText()).endsWith("face-1.png");
    assertThat(JSON.readTree(lines.get(1)).get("error").asText())
        .isEqualTo("not an image OpenCV can decode");
    assertThat(JSON.readTree(lines.get(2)).get("models").get(0).get("logit").asDouble())
        .isCloseTo(JSON.readTree(fixture("logits.json").toFile()).at("/faces/1/logit")
            .asDouble(), within(1e-4));
  }

  @Test
  void theManifestIsTheScorersWithTheSourceFileAndItsHash() throws Exception {
    EnsembleManifest manifest = EnsembleManifest.read(ensemble);
    JsonNode expected = JSON.readTree(fixture("logits.json").toFile());

    assertThat(manifest.version()).isEqualTo("b0-fixture");
    EnsembleManifest.Model model = manifest.models().get(0);
    assertThat(model.inputSize()).isEqualTo(380);
    assertThat(model.mean()).containsExactly(0.485f, 0.456f, 0.406f);
    assertThat(model.std()).containsExactly(0.229f, 0.224f, 0.225f);
    assertThat(model.weight()).isEqualTo(1.0);
    assertThat(model.source()).isEqualTo(new EnsembleManifest.Source("deepfake-b0-legacy.pth",
        expected.get("checkpoint_sha256").asText(), "pytorch-legacy"));
    try (Ensemble loaded = Ensemble.load(ensemble)) {
      assertThat(loaded.members()).hasSize(1);
    }
    assertThat(Files.readString(ensemble.resolve("b0/saved_model.pb"),
        StandardCharsets.ISO_8859_1)).contains("gradcam").contains("serving_default");
    assertThat(importLog).contains("deepfake-b0-legacy.pth (DeepFakeClassifier("
        + "tf_efficientnet_b0), legacy format, SHA-256 " + expected.get("checkpoint_sha256")
        .asText() + ") as b0").contains("unused: 49 num_batches_tracked,"
        + " encoder.classifier.bias, encoder.classifier.weight");
  }

  @Test
  void aFileThatIsNoCheckpointLeavesNoEnsembleBehind(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.pth");
    Files.writeString(text, "this is not a checkpoint\n");
    Path out = Files.createDirectories(dir.resolve("out")).resolve("ensemble");

    TrainerCliRunner.Result result = TrainerCliRunner.run("import", "--out", out.toString(),
        "--version", "x", fixture("deepfake-b0-legacy.pth").toString(), text.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("notes.pth");
    assertThat(out).doesNotExist();
    try (Stream<Path> left = Files.list(out.getParent())) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void timmsPyTorchNativeEfficientNetsAreRefusedByName(@TempDir Path dir) throws Exception {
    Path renamed = Files.copy(fixture("deepfake-b0-legacy.pth"),
        dir.resolve("efficientnet_b0_ra-3dd342df.pth"));

    TrainerCliRunner.Result result = TrainerCliRunner.run("import", "--out",
        dir.resolve("e").toString(), "--version", "x", renamed.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("pad symmetrically and use batch-norm epsilon 1e-5");
    assertThatThrownBy(() -> PyTorchImport.architecture("efficientnet_b3"))
        .hasMessageContaining("Only the tf_efficientnet_b0..b7 variants");
    assertThat(PyTorchImport.architecture("tf_efficientnet_b7_ns").id())
        .isEqualTo("efficientnet-b7");
  }

  @Test
  void anotherSizeOfTheFamilyIsAnErrorNamingTheFirstKeyThatDoesNotFit(@TempDir Path dir) {
    TrainerCliRunner.Result result = TrainerCliRunner.run("import", "--out",
        dir.resolve("e").toString(), "--version", "x", "--model", "tf_efficientnet_b1",
        fixture("deepfake-b0-legacy.pth").toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("deepfake-b0-legacy.pth: The state dict has no"
        + " encoder.blocks.0.1.conv_dw.weight, which DeepFakeClassifier(tf_efficientnet_b1)"
        + " needs");
    assertThat(dir.resolve("e")).doesNotExist();
  }
}
