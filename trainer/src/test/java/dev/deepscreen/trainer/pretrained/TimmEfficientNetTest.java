package dev.deepscreen.trainer.pretrained;

import static dev.deepscreen.trainer.pretrained.PyTorchImportTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.pytorch.PyTorchCheckpoint;
import dev.deepscreen.trainer.pytorch.TorchTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mapping from timm's keys onto the trainer's EfficientNet. The key tables were written by
 * PyTorch from the fixture script's restatement of timm's networks; B7's is checked without its
 * 260 MB of weights.
 */
class TimmEfficientNetTest {

  static Map<String, TorchTensor> b0;

  @BeforeAll
  static void read() throws Exception {
    b0 = PyTorchCheckpoint.read(fixture("deepfake-b0-legacy.pth")).stateDict();
  }

  private static List<String> table(String file) throws Exception {
    List<String> rows = new ArrayList<>();
    for (JsonNode row : new ObjectMapper().readTree(fixture(file).toFile())) {
      List<Long> shape = new ArrayList<>();
      row.get("shape").forEach(d -> shape.add(d.asLong()));
      rows.add(row.get("key").asText() + " " + shape);
    }
    return rows;
  }

  private static List<String> expected(Architecture architecture,
      TimmEfficientNet.Layout layout) {
    List<String> rows = new ArrayList<>();
    TimmEfficientNet.expectedKeys(architecture, layout).forEach((key, shape) ->
        rows.add(key + " " + Arrays.toString(shape)));
    return rows;
  }

  @Test
  void everyKeyAndShapeOfTheReferencesB7ClassifierAndOfTimmsB0() throws Exception {
    assertThat(expected(Architecture.EFFICIENTNET_B7, TimmEfficientNet.Layout.DEEPFAKE_CLASSIFIER))
        .hasSize(1202)
        .containsExactlyElementsOf(table("tf_efficientnet_b7-deepfake-keys.json"));
    assertThat(expected(Architecture.EFFICIENTNET_B0, TimmEfficientNet.Layout.TIMM))
        .containsExactlyElementsOf(table("tf_efficientnet_b0-keys.json"));
  }

  @Test
  void theNetworkIsInferredFromTheShapesAndEveryParameterFilled() {
    TimmEfficientNet.Mapped mapped = TimmEfficientNet.map(b0, null);

    assertThat(mapped.architecture()).isEqualTo(Architecture.EFFICIENTNET_B0);
    assertThat(mapped.layout()).isEqualTo(TimmEfficientNet.Layout.DEEPFAKE_CLASSIFIER);
    assertThat(mapped.hasHead()).isTrue();
    assertThat(mapped.parameters()).containsKeys("stem_conv/kernel", "block1a_dwconv/"
        + "depthwise_kernel", "block2a_expand_conv/kernel", "block7a_project_bn/moving_variance",
        "top_bn/gamma", "logit/kernel", "logit/bias");
    assertThat(mapped.unused()).hasSize(49 + 2);
  }

  @Test
  void kernelsAreTransposedFromPyTorchsLayoutToTensorFlows() {
    Map<String, float[]> p = TimmEfficientNet.map(b0, null).parameters();
    float[] stem = b0.get("encoder.conv_stem.weight").toFloats(); // [32, 3, 3, 3] OIHW
    // HWIO [3, 3, 3, 32]: element (h=2, w=1, i=0, o=5) is OIHW's (5, 0, 2, 1).
    assertThat(p.get("stem_conv/kernel")[((2 * 3 + 1) * 3 + 0) * 32 + 5])
        .isEqualTo(stem[((5 * 3 + 0) * 3 + 2) * 3 + 1]);
    float[] depthwise = b0.get("encoder.blocks.1.0.conv_dw.weight").toFloats(); // [96, 1, 3, 3]
    // [3, 3, 96, 1]: (h=0, w=2, c=40) is PyTorch's (40, 0, 0, 2).
    assertThat(p.get("block2a_dwconv/depthwise_kernel")[(0 * 3 + 2) * 96 + 40])
        .isEqualTo(depthwise[40 * 9 + 0 * 3 + 2]);
    float[] fc = b0.get("fc.weight").toFloats(); // [1, 1280]
    assertThat(p.get("logit/kernel")).containsExactly(fc);
    float[] runningVar = b0.get("encoder.bn2.running_var").toFloats();
    assertThat(p.get("top_bn/moving_variance")).containsExactly(runningVar);
  }

  @Test
  void aMissingMisShapedOrForeignTensorIsAnErrorNamingIt() {
    Map<String, TorchTensor> missing = new LinkedHashMap<>(b0);
    missing.remove("encoder.blocks.3.1.se.conv_expand.bias");
    assertThatThrownBy(() -> TimmEfficientNet.map(missing, null))
        .hasMessage("The state dict has no encoder.blocks.3.1.se.conv_expand.bias, which"
            + " DeepFakeClassifier(tf_efficientnet_b0) needs");

    Map<String, TorchTensor> misShaped = new LinkedHashMap<>(b0);
    misShaped.put("encoder.blocks.2.0.bn2.weight", b0.get("encoder.bn1.weight"));
    assertThatThrownBy(() -> TimmEfficientNet.map(misShaped, null))
        .hasMessage("encoder.blocks.2.0.bn2.weight is [32], expected [144] for"
            + " DeepFakeClassifier(tf_efficientnet_b0)");

    Map<String, TorchTensor> foreign = new LinkedHashMap<>(b0);
    foreign.put("encoder.blocks.2.0.attention.weight", b0.get("encoder.bn1.weight"));
    assertThatThrownBy(() -> TimmEfficientNet.map(foreign, null))
        .hasMessage("encoder.blocks.2.0.attention.weight [32] is not part of"
            + " DeepFakeClassifier(tf_efficientnet_b0): the checkpoint holds another network");

    Map<String, TorchTensor> other = new LinkedHashMap<>();
    other.put("layer1.0.conv1.weight", b0.get("encoder.conv_stem.weight"));
    assertThatThrownBy(() -> TimmEfficientNet.map(other, null))
        .hasMessageStartingWith("Not an EfficientNet of timm's layout: no conv_stem.weight");
  }

  @Test
  void aBareTimmNetworkHasNoHeadUnlessItsClassifierHasOneOutput() {
    Map<String, TorchTensor> timm = new LinkedHashMap<>();
    b0.forEach((key, tensor) -> {
      if (key.startsWith("encoder.")) {
        timm.put(key.substring("encoder.".length()), tensor);
      }
    });
    TimmEfficientNet.Mapped backbone = TimmEfficientNet.map(timm, Architecture.EFFICIENTNET_B0);
    assertThat(backbone.layout()).isEqualTo(TimmEfficientNet.Layout.TIMM);
    assertThat(backbone.hasHead()).isFalse();
    assertThat(backbone.parameters()).doesNotContainKey("logit/kernel");
    assertThat(backbone.unused()).contains("classifier.weight", "classifier.bias");

    timm.put("classifier.weight", b0.get("fc.weight"));
    timm.put("classifier.bias", b0.get("fc.bias"));
    assertThat(TimmEfficientNet.map(timm, null).hasHead()).isTrue();
  }
}
