package dev.deepscreen.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The CPU default: seven 3x3 convolutions with batch norm and swish, channels doubling at each
 * of four stride-2 steps (24, 48, 48, 96, 96, 192, 192), global average pooling, dropout and one
 * logit. About 0.65 million parameters (2.6 MB), a few milliseconds per face on one core at
 * 128 pixels.
 */
final class SmallCnn {

  /** Output channels and stride of each convolution. */
  private static final int[][] CONVS = {
      {24, 2}, {48, 2}, {48, 1}, {96, 2}, {96, 1}, {192, 2}, {192, 1},
  };

  private SmallCnn() {}

  static Operand<TFloat32> logits(Layers layers, Operand<TFloat32> images, float dropout) {
    Operand<TFloat32> x = images;
    int in = 3;
    for (int i = 0; i < CONVS.length; i++) {
      int out = CONVS[i][0];
      x = layers.conv("conv" + (i + 1), x, 3, CONVS[i][1], in, out, false);
      x = layers.swish(layers.batchNorm("bn" + (i + 1), x, out));
      in = out;
    }
    layers.markFeatures(x);
    x = layers.globalAveragePool(x, false);
    x = layers.dropout(x, dropout, false);
    Operand<TFloat32> logit = layers.dense("logit", x, in, 1);
    return layers.tf().reshape(logit, layers.tf().constant(new int[] {-1}));
  }
}
