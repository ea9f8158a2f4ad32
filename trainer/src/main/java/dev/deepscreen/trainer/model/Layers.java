package dev.deepscreen.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The building blocks of the networks, in one of two modes. In training mode batch norm
 * normalises with the batch's statistics and queues updates of its moving averages
 * ({@link #updates()}), and dropout is active with a seed fed per step; in inference mode batch
 * norm uses the moving averages and dropout is the identity. Every tensor is NHWC float32.
 */
public final class Layers {

  private static final List<Long> STRIDE_1 = List.of(1L, 1L, 1L, 1L);
  private static final List<Long> STRIDE_2 = List.of(1L, 2L, 2L, 1L);

  private final Ops tf;
  private final Parameters parameters;
  private final boolean training;
  private final float bnMomentum;
  private final float bnEpsilon;
  private final Operand<TInt64> noiseSeed;
  private final Predicate<String> frozen;
  private final List<Op> updates = new ArrayList<>();
  private int noiseIndex;
  private Operand<TFloat32> lastFeatures;

  /**
   * @param bnMomentum weight of the old value in a moving average (0.9 is PyTorch's 0.1)
   * @param bnEpsilon added to the variance
   * @param noiseSeed {@code [2]} int64 seed of this step's dropout; only read in training mode
   */
  public Layers(Ops tf, Parameters parameters, boolean training, float bnMomentum,
      float bnEpsilon, Operand<TInt64> noiseSeed) {
    this(tf, parameters, training, bnMomentum, bnEpsilon, noiseSeed, Freezing.NONE);
  }

  /**
   * Layers of which those {@code frozen} names keep their parameters: made as state, not
   * trainable, and a frozen batch norm normalises with its moving averages even in training.
   */
  public Layers(Ops tf, Parameters parameters, boolean training, float bnMomentum,
      float bnEpsilon, Operand<TInt64> noiseSeed, Predicate<String> frozen) {
    this.frozen = frozen;
    this.tf = tf;
    this.parameters = parameters;
    this.training = training;
    this.bnMomentum = bnMomentum;
    this.bnEpsilon = bnEpsilon;
    this.noiseSeed = noiseSeed;
  }

  public Ops tf() {
    return tf;
  }

  public boolean training() {
    return training;
  }

  /** The batch-norm moving-average updates queued by training-mode layers. */
  public List<Op> updates() {
    return List.copyOf(updates);
  }

  /** The output of the last convolutional block, marked by {@link #markFeatures}. */
  public Operand<TFloat32> features() {
    return lastFeatures;
  }

  /** Marks {@code x} as the last convolutional feature map (for Grad-CAM). */
  public Operand<TFloat32> markFeatures(Operand<TFloat32> x) {
    lastFeatures = x;
    return x;
  }

  /** A convolution with {@code SAME} padding, without bias unless asked. */
  public Operand<TFloat32> conv(String name, Operand<TFloat32> x, int kernel, int stride,
      int in, int out, boolean bias) {
    Operand<TFloat32> w = weight(name + "/kernel", new long[] {kernel, kernel, in, out},
        Init.CONV, true);
    Operand<TFloat32> y = tf.nn.conv2d(x, w, stride(stride), "SAME");
    if (bias) {
      y = tf.nn.biasAdd(y, weight(name + "/bias", new long[] {out}, Init.ZEROS, false));
    }
    return y;
  }

  /** A depthwise convolution (one filter per channel) with {@code SAME} padding. */
  public Operand<TFloat32> depthwise(String name, Operand<TFloat32> x, int kernel, int stride,
      int channels) {
    Operand<TFloat32> w = weight(name + "/depthwise_kernel",
        new long[] {kernel, kernel, channels, 1}, Init.CONV, true);
    return tf.nn.depthwiseConv2dNative(x, w, stride(stride), "SAME");
  }

  /** Batch normalisation over the channels. */
  public Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x, int channels) {
    long[] shape = {channels};
    Operand<TFloat32> gamma = weight(name + "/gamma", shape, Init.ONES, false);
    Operand<TFloat32> beta = weight(name + "/beta", shape, Init.ZEROS, false);
    Operand<TFloat32> movingMean = parameters.state(name + "/moving_mean", shape, Init.ZEROS);
    Operand<TFloat32> movingVariance = parameters.state(name + "/moving_variance", shape,
        Init.ONES);
    if (!training || frozen.test(name)) {
      return tf.nn.fusedBatchNorm(x, gamma, beta, movingMean, movingVariance,
          FusedBatchNorm.epsilon(bnEpsilon), FusedBatchNorm.isTraining(false)).y();
    }
    Constant<TFloat32> none = tf.constant(new float[0]);
    FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(x, gamma, beta, none, none,
        FusedBatchNorm.epsilon(bnEpsilon), FusedBatchNorm.isTraining(true));
    updates.add(movingAverage(movingMean, bn.batchMean()));
    updates.add(movingAverage(movingVariance, bn.batchVariance()));
    return bn.y();
  }

  /** A weight: trainable, unless its layer is frozen. */
  private Operand<TFloat32> weight(String name, long[] shape, Init init, boolean decays) {
    return frozen.test(name) ? parameters.state(name, shape, init)
        : parameters.trainable(name, shape, init, decays);
  }

  private Op movingAverage(Operand<TFloat32> average, Operand<TFloat32> batch) {
    Operand<TFloat32> next = tf.math.add(tf.math.mul(average, tf.constant(bnMomentum)),
        tf.math.mul(tf.stopGradient(batch), tf.constant(1 - bnMomentum)));
    return tf.assign(average, next);
  }

  /** {@code x * sigmoid(x)}. */
  public Operand<TFloat32> swish(Operand<TFloat32> x) {
    return tf.math.mul(x, tf.math.sigmoid(x));
  }

  /** The mean over height and width: {@code [batch, channels]}, or kept as 1x1. */
  public Operand<TFloat32> globalAveragePool(Operand<TFloat32> x, boolean keepDims) {
    return tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(keepDims));
  }

  /** A dense layer with bias. */
  public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int in, int out) {
    Operand<TFloat32> w = weight(name + "/kernel", new long[] {in, out}, Init.DENSE, true);
    Operand<TFloat32> b = weight(name + "/bias", new long[] {out}, Init.ZEROS, false);
    return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
  }

  /**
   * Inverted dropout of whole elements ({@code perSample = false}) or of whole samples
   * ({@code perSample = true}: stochastic depth, the "drop connect" of EfficientNet's residual
   * blocks). The identity in inference mode or at rate 0.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, float rate, boolean perSample) {
    if (!training || rate <= 0) {
      return x;
    }
    Operand<TInt64> seed = tf.math.add(noiseSeed, tf.constant(new long[] {0, ++noiseIndex}));
    Operand<org.tensorflow.types.TInt32> shape = tf.shape(x);
    if (perSample) {
      shape = tf.concat(List.of(tf.slice(shape, tf.constant(new int[] {0}),
          tf.constant(new int[] {1})), tf.onesLike(tf.slice(shape, tf.constant(new int[] {1}),
          tf.constant(new int[] {-1})))), tf.constant(0));
    }
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(
        tf.random.statelessRandomUniform(shape, seed), tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant(1 / (1 - rate))));
  }

  private static List<Long> stride(int stride) {
    if (stride == 1) {
      return STRIDE_1;
    }
    if (stride == 2) {
      return STRIDE_2;
    }
    throw new IllegalArgumentException("stride 1 or 2: " + stride);
  }
}
