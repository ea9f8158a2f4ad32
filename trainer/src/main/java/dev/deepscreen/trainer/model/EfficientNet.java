package dev.deepscreen.trainer.model;

import java.util.ArrayList;
import java.util.List;
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
public final class EfficientNet {

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

  /**
   * One MBConv block of a scaled network.
   *
   * @param name the prefix of its parameters' names: {@code block<stage><letter>}
   * @param stage its stage, 0 to 6
   * @param index its position in the stage, from 0
   * @param kernel the depthwise kernel's side
   * @param stride the depthwise convolution's stride
   * @param in input channels
   * @param out output channels
   * @param expansion the expansion ratio (1: no expansion convolution)
   * @param squeezed the squeeze-and-excitation's reduced channels
   */
  public record Block(String name, int stage, int index, int kernel, int stride, int in, int out,
      int expansion, int squeezed) {

    /** Channels of the depthwise convolution. */
    public int expanded() {
      return in * expansion;
    }

    /** Whether the block adds its input to its output. */
    public boolean residual() {
      return stride == 1 && in == out;
    }
  }

  private EfficientNet() {}

  /** The channels of the stem convolution at {@code width}. */
  public static int stemChannels(double width) {
    return roundFilters(32, width);
  }

  /** The channels of the head convolution, the features the logit is computed from. */
  public static int headChannels(double width) {
    return roundFilters(1280, width);
  }

  /** The MBConv blocks at {@code width} and {@code depth}, in order. */
  public static List<Block> blocks(double width, double depth) {
    List<Block> blocks = new ArrayList<>();
    for (int s = 0; s < STAGES.length; s++) {
      int[] stage = STAGES[s];
      int in = roundFilters(stage[2], width);
      int out = roundFilters(stage[3], width);
      int repeats = roundRepeats(stage[1], depth);
      for (int r = 0; r < repeats; r++) {
        int blockIn = r == 0 ? in : out;
        blocks.add(new Block("block" + (s + 1) + (char) ('a' + r), s, r, stage[0],
            r == 0 ? stage[5] : 1, blockIn, out, stage[4],
            Math.max(1, (int) (blockIn * SE_RATIO))));
      }
    }
    return blocks;
  }

  static Operand<TFloat32> logits(Layers layers, Operand<TFloat32> images, double width,
      double depth, float dropout) {
    int stem = stemChannels(width);
    Operand<TFloat32> x = layers.conv("stem_conv", images, 3, 2, 3, stem, false);
    x = layers.swish(layers.batchNorm("stem_bn", x, stem));

    List<Block> blocks = blocks(width, depth);
    for (int b = 0; b < blocks.size(); b++) {
      x = mbConv(layers, blocks.get(b), x, DROP_CONNECT * b / blocks.size());
    }
    int in = roundFilters(320, width);
    int head = headChannels(width);
    x = layers.conv("top_conv", x, 1, 1, in, head, false);
    x = layers.markFeatures(layers.swish(layers.batchNorm("top_bn", x, head)));
    x = layers.globalAveragePool(x, false);
    x = layers.dropout(x, dropout, false);
    Operand<TFloat32> logit = layers.dense("logit", x, head, 1);
    return layers.tf().reshape(logit, layers.tf().constant(new int[] {-1}));
  }

  private static Operand<TFloat32> mbConv(Layers layers, Block block, Operand<TFloat32> input,
      float dropRate) {
    String name = block.name();
    int in = block.in();
    int out = block.out();
    int expanded = block.expanded();
    Operand<TFloat32> x = input;
    if (block.expansion() != 1) {
      x = layers.conv(name + "_expand_conv", x, 1, 1, in, expanded, false);
      x = layers.swish(layers.batchNorm(name + "_expand_bn", x, expanded));
    }
    x = layers.depthwise(name + "_dwconv", x, block.kernel(), block.stride(), expanded);
    x = layers.swish(layers.batchNorm(name + "_bn", x, expanded));

    int squeezed = block.squeezed();
    Operand<TFloat32> se = layers.globalAveragePool(x, true);
    se = layers.swish(layers.conv(name + "_se_reduce", se, 1, 1, expanded, squeezed, true));
    se = layers.tf().math.sigmoid(layers.conv(name + "_se_expand", se, 1, 1, squeezed, expanded,
        true));
    x = layers.tf().math.mul(x, se);

    x = layers.conv(name + "_project_conv", x, 1, 1, expanded, out, false);
    x = layers.batchNorm(name + "_project_bn", x, out);
    if (block.residual()) {
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
