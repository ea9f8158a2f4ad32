package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.shorten;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the {@link Unpickler} built into the values the public API returns: immutable lists
 * and maps, {@link PythonObject}s, and tensors that are named and checked against their storage.
 * A pickle can make containers that contain themselves or nest without end, which would break
 * {@code equals}, {@code hashCode} and {@code toString} later; both are refused here.
 */
final class PlainValues {
  private final int maxDepth;
  private final Map<Object, Object> converted = new IdentityHashMap<>();
  private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());

  PlainValues(CheckpointLimits limits) {
    this.maxDepth = limits.maxNestingDepth();
  }

  /** {@code path} names the value in messages and names the tensors found in it. */
  Object convert(Object value, String path) throws CheckpointException {
    try {
      return convert(value, path, 1);
    } catch (StackOverflowError e) {
      // Only reachable when maxNestingDepth is set higher than this thread's stack allows.
      throw new CheckpointException("entry " + shorten(path) + " nests containers too deep"
          + " for this thread's stack; lower maxNestingDepth");
    }
  }

  private Object convert(Object value, String path, int depth) throws CheckpointException {
    if (value == null || value instanceof Boolean || value instanceof Long
        || value instanceof BigInteger || value instanceof Double || value instanceof String
        || value instanceof byte[]) {
      return value;
    }
    if (value instanceof TorchTensor tensor) {
      tensor.nameIfUnnamed(path);
      tensor.checkBounds();
      return tensor;
    }
    if (value instanceof Global global) {
      return new PythonObject(global.dottedName(), List.of(), null);
    }
    if (value instanceof StorageRef ref) {
      Storage storage = ref.storage();
      return new PythonObject("torch." + storage.dtype().storageClass(),
          List.of(storage.key(), ref.offset(), ref.elementCount()), null);
    }
    Object done = converted.get(value);
    if (done != null) {
      return done;
    }
    if (depth > maxDepth) {
      throw new CheckpointException("entry " + shorten(path) + " nests containers deeper"
          + " than " + maxDepth + " (the maxNestingDepth limit)");
    }
    if (!inProgress.add(value)) {
      throw new CheckpointException("entry " + shorten(path) + " contains itself");
    }
    Object result = container(value, path, depth);
    inProgress.remove(value);
    converted.put(value, result);
    return result;
  }

  private Object container(Object value, String path, int depth) throws CheckpointException {
    if (value instanceof Tuple tuple) {
      return list(tuple.items(), path, depth);
    } else if (value instanceof List<?> list) {
      return list(list, path, depth);
    } else if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String child = path + "." + entry.getKey();
        copy.put(convert(entry.getKey(), child, depth + 1),
            convert(entry.getValue(), child, depth + 1));
      }
      return Collections.unmodifiableMap(copy);
    } else if (value instanceof PendingObject object) {
      return new PythonObject(object.className, list(object.args, path + ".args", depth),
          convert(object.state, path + ".state", depth + 1));
    }
    throw new IllegalStateException("no plain value for " + value.getClass());
  }

  private List<Object> list(List<?> items, String path, int depth) throws CheckpointException {
    List<Object> copy = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      copy.add(convert(items.get(i), path + "[" + i + "]", depth + 1));
    }
    return Collections.unmodifiableList(copy);
  }
}
