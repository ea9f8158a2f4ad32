package dev.deepscreen.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Where a network's parameters come from, by name: variables while training, constants in an
 * exported model. Asking twice for a name gives the same parameter, so two graphs of one network
 * (training and inference mode) share their weights.
 */
public interface Parameters {

  /** A parameter the optimiser changes. {@code decays}: whether weight decay applies to it. */
  Operand<TFloat32> trainable(String name, long[] shape, Init init, boolean decays);

  /** A parameter the optimiser does not change, such as a batch-norm moving average. */
  Operand<TFloat32> state(String name, long[] shape, Init init);
}
