package dev.deepscreen.trainer.model;

/**
 * How a parameter starts: convolution kernels as in Keras's EfficientNet, from a truncated
 * normal scaled by {@code sqrt(2 / fan_out)}; dense kernels uniform in
 * {@code ±1 / sqrt(fan_in)} (PyTorch's default: Keras's fan-out rule, made for 1,000 classes,
 * would start a one-logit head far too large); biases and batch-norm shifts at zero, batch-norm
 * scales and variances at one.
 */
public enum Init {
  CONV,
  DENSE,
  ZEROS,
  ONES
}
