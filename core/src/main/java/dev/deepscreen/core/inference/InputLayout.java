package dev.deepscreen.core.inference;

import java.util.Locale;

/** The order of a model's image input tensor, as {@code ensemble.json} names it. */
public enum InputLayout {
  /** {@code [batch, height, width, channels]}: TensorFlow's. */
  NHWC,
  /** {@code [batch, channels, height, width]}: PyTorch's, so what its ONNX exports take. */
  NCHW;

  /** The input shape for {@code batch} images of {@code size} by {@code size} RGB pixels. */
  public long[] shape(long batch, int size) {
    return this == NHWC ? new long[] {batch, size, size, 3} : new long[] {batch, 3, size, size};
  }

  /** The manifest's spelling. */
  public String manifestName() {
    return name().toUpperCase(Locale.ROOT);
  }
}
