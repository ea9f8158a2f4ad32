package dev.deepscreen.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * EfficientNet (Tan and Le, ICML 2019) with a one-logit head: a stem convolution, seven stages
 * of MBConv blocks (1x1 expansion, depthwise convolution, squeeze-and-excitation, 1x1
 * projection, residual with stochastic depth when shapes allow), a 1x1 head convolution, global
 * average pooling, dropout and one logit. Swish activations and batch norm throughout. Widths
 * and depths are scaled from B0's by the paper's coefficients, with Keras's rounding (channels
 * to multiples of 8, repeats up), so B0 has Keras's 4,049,564 parameters without its top.
 */
final class EfficientNet {

  /** B0's stages: kernel, repeats, input and output channels, expansion, stride. */
  private static final int[][] STAGES = {
      {3, 1, 32, 16, 1, 1},
      {3, 2, 16, 24, 6, 2},
      {5, 2, 24, 40, 6, 2},
      {3, 3, 40, 80, 6, 2},
      {5, 3, 80, 112, 6, 1},
      {5, 4, 112, 192, 6, 2},
      {3, 1, 192, 320, 6, 1},
  };
  private static final double SE_RATIO = 0.25;
  private static final float DROP_CONNECT = 0.2f;

  private EfficientNet() {}

  static Operand<TFloat32> logits(Layers layers, Operand<TFloat32> images, double width,
      double depth, float dropout) {
    int stem = roundFilters(32, width);
    Operand<TFloat32> x = layers.conv("stem_conv", images, 3, 2, 3, stem, false);
    x = layers.swish(layers.batchNorm("stem_bn", x, stem));

    int totalBlocks = 0;
    for (int[] stage : STAGES) {
      totalBlocks += roundRepeats(stage[1], depth);
    }
    int block = 0;
    for (int s = 0; s < STAGES.length; s++) {
      int[] stage = STAGES[s];
      int in = roundFilters(stage[2], width);
      int out = roundFilters(stage[3], width);
      int repeats = roundRepeats(stage[1], depth);
      for (int r = 0; r < repeats; r++) {
        String name = "block" + (s + 1) + (char) ('a' + r);
        float dropRate = DROP_CONNECT * block / totalBlocks;
        x = mbConv(layers, name, x, stage[0], r == 0 ? stage[5] : 1, r == 0 ? in : out, out,
            stage[4], dropRate);
        block++;
      }
    }
    int in = roundFilters(320, width);
    int head = roundFilters(1280, width);
    x = layers.conv("top_conv", x, 1, 1, in, head, false);
    x = layers.markFeatures(layers.swish(layers.batchNorm("top_bn", x, head)));
    x = layers.globalAveragePool(x, false);
    x = layers.dropout(x, dropout, false);
    Operand<TFloat32> logit = layers.dense("logit", x, head, 1);
    return layers.tf().reshape(logit, layers.tf().constant(new int[] {-1}));
  }

  private static Operand<TFloat32> mbConv(Layers layers, String name, Operand<TFloat32> input,
      int kernel, int stride, int in, int out, int expansion, float dropRate) {
    int expanded = in * expansion;
    Operand<TFloat32> x = input;
    if (expansion != 1) {
      x = layers.conv(name + "_expand_conv", x, 1, 1, in, expanded, false);
      x = layers.swish(layers.batchNorm(name + "_expand_bn", x, expanded));
    }
    x = layers.depthwise(name + "_dwconv", x, kernel, stride, expanded);
    x = layers.swish(layers.batchNorm(name + "_bn", x, expanded));

    int squeezed = Math.max(1, (int) (in * SE_RATIO));
    Operand<TFloat32> se = layers.globalAveragePool(x, true);
    se = layers.swish(layers.conv(name + "_se_reduce", se, 1, 1, expanded, squeezed, true));
    se = layers.tf().math.sigmoid(layers.conv(name + "_se_expand", se, 1, 1, squeezed, expanded,
        true));
    x = layers.tf().math.mul(x, se);

    x = layers.conv(name + "_project_conv", x, 1, 1, expanded, out, false);
    x = layers.batchNorm(name + "_project_bn", x, out);
    if (stride == 1 && in == out) {
      x = layers.tf().math.add(layers.dropout(x, dropRate, true), input);
    }
    return x;
  }

  /** Keras's {@code round_filters}: scaled, to the nearest multiple of 8, never 10% below. */
  static int roundFilters(int filters, double width) {
    double scaled = filters * width;
    int rounded = Math.max(8, (int) (scaled + 4) / 8 * 8);
    if (rounded < 0.9 * scaled) {
      rounded += 8;
    }
    return rounded;
  }

  static int roundRepeats(int repeats, double depth) {
    return (int) Math.ceil(depth * repeats);
  }
}
