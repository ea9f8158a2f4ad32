package dev.deepscreen.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class ArchitectureTest {

  /**
   * Parameter counts, batch-norm moving averages included, against Keras's
   * {@code EfficientNetBx(include_top=False).count_params()} (4,049,571 and 17,673,823, of
   * which 7 belong to its input Normalization layer) plus the one-logit head. B4 checks both
   * scalings with their rounding; B7 (64,097,680) takes 15 s to build here, so is left out.
   */
  @ParameterizedTest
  @CsvSource({
      "efficientnet-b0, 4049564, 1280",
      "efficientnet-b4, 17673816, 1792",
      "small, 656616, 192",
  })
  void buildsThePapersNetworksWithKerassParameterCounts(String id, long body, long head) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      VariableParameters parameters = new VariableParameters(tf, 1);
      Layers layers = new Layers(tf, parameters, false, 0.9f, 1e-3f, null);
      var images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3)));
      var logits = Architecture.parse(id).logits(layers, images);

      long count = parameters.entries().values().stream()
          .mapToLong(e -> java.util.Arrays.stream(e.shape()).reduce(1, (a, b) -> a * b)).sum();
      assertThat(count).isEqualTo(body + head + 1);
      assertThat(logits.shape().numDimensions()).isEqualTo(1);
      assertThat(layers.features().shape().get(3)).isEqualTo(head);
    }
  }

  @Test
  void widthsAreRoundedToMultiplesOfEightAndDepthsUp() {
    assertThat(EfficientNet.roundFilters(32, 1.0)).isEqualTo(32);
    assertThat(EfficientNet.roundFilters(32, 1.1)).isEqualTo(32);
    assertThat(EfficientNet.roundFilters(1280, 1.4)).isEqualTo(1792);
    assertThat(EfficientNet.roundFilters(16, 1.2)).isEqualTo(24); // 19.2 -> 16 < 0.9 * 19.2
    assertThat(EfficientNet.roundRepeats(3, 3.1)).isEqualTo(10);
    assertThat(EfficientNet.roundRepeats(1, 1.1)).isEqualTo(2);
  }

  @Test
  void parsesIdsAndShortNames() {
    assertThat(Architecture.parse("B4")).isEqualTo(Architecture.EFFICIENTNET_B4);
    assertThat(Architecture.parse("efficientnet-b7")).isEqualTo(Architecture.EFFICIENTNET_B7);
    assertThatThrownBy(() -> Architecture.parse("b8"))
        .hasMessageContaining("Unknown model 'b8'; use one of [small, efficientnet-b0");
  }
}
