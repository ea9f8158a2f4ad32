package dev.deepscreen.trainer.model;

import dev.deepscreen.trainer.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Parameters as TensorFlow variables, for training. Initial values come from stateless random
 * ops seeded by the run's seed and the parameter's name, so they do not depend on the order in
 * which the network is built.
 */
public final class VariableParameters implements Parameters {

  /** A variable with its shape and role. */
  public record Entry(Variable<TFloat32> variable, long[] shape, boolean trainable,
      boolean decays) {}

  private final Ops tf;
  private final long seed;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, Ops> scopes = new java.util.HashMap<>();

  public VariableParameters(Ops tf, long seed) {
    this.tf = tf;
    this.seed = seed;
  }

  @Override
  public Operand<TFloat32> trainable(String name, long[] shape, Init init, boolean decays) {
    return get(name, shape, init, true, decays);
  }

  @Override
  public Operand<TFloat32> state(String name, long[] shape, Init init) {
    return get(name, shape, init, false, false);
  }

  private Variable<TFloat32> get(String name, long[] shape, Init init, boolean trainable,
      boolean decays) {
    Entry existing = entries.get(name);
    if (existing != null) {
      if (!Arrays.equals(existing.shape(), shape) || existing.trainable() != trainable) {
        throw new IllegalStateException("Parameter " + name + " asked for as "
            + Arrays.toString(shape) + " but made as " + Arrays.toString(existing.shape()));
      }
      return existing.variable();
    }
    Variable<TFloat32> variable = ParameterNames.named(tf, scopes, name)
        .variable(initialValue(name, shape, init));
    entries.put(name, new Entry(variable, shape.clone(), trainable, decays));
    return variable;
  }

  private Operand<TFloat32> initialValue(String name, long[] shape, Init init) {
    Operand<org.tensorflow.types.TInt64> dims = tf.constant(shape);
    long nameHash = Seeds.mix(0, Arrays.hashCode(name.getBytes(StandardCharsets.UTF_8)),
        name.length());
    Operand<org.tensorflow.types.TInt64> key = tf.constant(new long[] {seed, nameHash});
    long fanOut = shape[shape.length - 1];
    for (int i = 0; i < shape.length - 2; i++) {
      fanOut *= shape[i]; // kernel height and width
    }
    return switch (init) {
      case CONV -> tf.math.mul(tf.random.statelessTruncatedNormal(dims, key),
          tf.constant((float) (Math.sqrt(2.0 / fanOut) / 0.87962566103423978)));
      case DENSE -> {
        float limit = (float) Math.sqrt(1.0 / shape[0]);
        yield tf.math.sub(tf.math.mul(tf.random.statelessRandomUniform(dims, key),
            tf.constant(2 * limit)), tf.constant(limit));
      }
      case ZEROS -> tf.fill(dims, tf.constant(0f));
      case ONES -> tf.fill(dims, tf.constant(1f));
    };
  }

  /** Every parameter made so far, in creation order. */
  public Map<String, Entry> entries() {
    return Collections.unmodifiableMap(entries);
  }
}
