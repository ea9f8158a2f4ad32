package dev.deepscreen.trainer.model;

import java.util.Map;
import org.tensorflow.op.Ops;

/**
 * Graph names of parameters: {@code layer/parameter}, as Keras names its weights. TensorFlow
 * Java takes the layer as a sub-scope, and makes each new sub-scope of a name unique
 * ({@code layer_1}), so one scope per layer is kept and reused.
 */
final class ParameterNames {
  private ParameterNames() {}

  static Ops named(Ops tf, Map<String, Ops> scopes, String name) {
    int slash = name.lastIndexOf('/');
    if (slash < 0) {
      return tf.withName(name);
    }
    String layer = name.substring(0, slash);
    if (layer.contains("/")) {
      throw new IllegalArgumentException("Parameter names have one level: " + name);
    }
    return scopes.computeIfAbsent(layer, tf::withSubScope).withName(name.substring(slash + 1));
  }
}
