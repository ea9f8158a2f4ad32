package dev.deepscreen.trainer.model;

import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Parameters as constants holding trained values, for a lean exported model: no variables, no
 * optimiser state, nothing to initialise.
 */
public final class ConstantParameters implements Parameters {

  private final Ops tf;
  private final Map<String, float[]> values;
  private final Map<String, Ops> scopes = new java.util.HashMap<>();

  /** @param values every parameter's values by name, in row-major order */
  public ConstantParameters(Ops tf, Map<String, float[]> values) {
    this.tf = tf;
    this.values = values;
  }

  @Override
  public Operand<TFloat32> trainable(String name, long[] shape, Init init, boolean decays) {
    return constant(name, shape);
  }

  @Override
  public Operand<TFloat32> state(String name, long[] shape, Init init) {
    return constant(name, shape);
  }

  private Operand<TFloat32> constant(String name, long[] shape) {
    float[] value = values.get(name);
    long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (value == null || value.length != size) {
      throw new IllegalStateException("No trained value of shape " + Arrays.toString(shape)
          + " for parameter " + name);
    }
    return ParameterNames.named(tf, scopes, name).constant(Shape.of(shape),
        DataBuffers.of(value, true, false));
  }
}
