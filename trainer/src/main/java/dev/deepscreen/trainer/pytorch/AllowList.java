package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.describe;
import static dev.deepscreen.trainer.pytorch.PickleValues.shorten;

import dev.deepscreen.trainer.pytorch.Global.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The globals a state-dict checkpoint may name, and what calling each one means here. Nothing is
 * looked up or run by name: a global outside this list is refused when the pickle names it, before
 * anything could call it.
 */
final class AllowList {
  private static final Map<String, Kind> CALLABLES = Map.of(
      "collections.OrderedDict", Kind.ORDERED_DICT,
      "torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR,
      "torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2,
      "torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER,
      "torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE,
      "_codecs.encode", Kind.CODECS_ENCODE);

  /** Kept as {@link PythonObject}s: values that training scripts put next to the state dict. */
  private static final Set<String> OPAQUE = Set.of(
      "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.dtype",
      "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
      "numpy.ndarray", "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
      "torch.device", "torch.Size", "argparse.Namespace", "builtins.set", "builtins.frozenset");

  /** Python 2 names that Python 3's unpickler also maps. */
  private static final Map<String, String> PYTHON2_MODULES = Map.of(
      "__builtin__", "builtins", "copy_reg", "copyreg");

  private static final Set<String> LATIN1 = Set.of("latin1", "latin-1", "iso-8859-1");

  private final CheckpointLimits limits;
  private int tensors;

  AllowList(CheckpointLimits limits) {
    this.limits = limits;
  }

  static Global resolve(String pickledModule, String name) throws CheckpointException {
    String module = PYTHON2_MODULES.getOrDefault(pickledModule, pickledModule);
    String dotted = module + "." + name;
    Kind kind = CALLABLES.get(dotted);
    if (kind != null) {
      return new Global(module, name, kind);
    }
    if (OPAQUE.contains(dotted)) {
      return new Global(module, name, Kind.OPAQUE);
    }
    // torch.cuda.*Storage: legacy files saved from a GPU; every storage is read onto the CPU.
    if ((module.equals("torch") || module.equals("torch.cuda")) && name.endsWith("Storage")) {
      if (DType.ofStorageClass(name) == null) {
        throw new CheckpointException(
            "holds a storage of the unsupported type " + shorten(dotted));
      }
      return new Global(module, name, Kind.STORAGE_CLASS);
    }
    if (module.equals("torch.nn") || module.startsWith("torch.nn.")) {
      throw new CheckpointException("refuses the global " + shorten(dotted) + ": the file holds"
          + " a whole module object, not a state dict (save and read model.state_dict() instead)");
    }
    throw new CheckpointException(
        "refuses the global " + shorten(dotted) + " (not a state-dict object)");
  }

  /** REDUCE: {@code callable(*args)}. */
  Object call(Object callable, Tuple args) throws CheckpointException {
    Global global = requireGlobal(callable, "REDUCE");
    return switch (global.kind()) {
      case ORDERED_DICT -> orderedDict(args);
      case REBUILD_TENSOR -> rebuildTensor(global, args, 4);
      case REBUILD_TENSOR_V2 -> rebuildTensor(global, args, 6);
      case REBUILD_PARAMETER -> parameter(global, args, 3);
      case REBUILD_PARAMETER_WITH_STATE -> parameter(global, args, 4);
      case CODECS_ENCODE -> latin1Bytes(args);
      case STORAGE_CLASS -> throw new CheckpointException("calls the storage class "
          + global.dottedName() + "; storages may only come from persistent ids");
      case OPAQUE -> new PendingObject(global.dottedName(), args.items());
    };
  }

  /** NEWOBJ, NEWOBJ_EX, INST and OBJ: {@code cls.__new__(cls, *args)}. */
  Object instantiate(Object cls, List<Object> args) throws CheckpointException {
    Global global = requireGlobal(cls, "NEWOBJ");
    return switch (global.kind()) {
      case ORDERED_DICT -> new LinkedHashMap<>();
      case OPAQUE -> new PendingObject(global.dottedName(), args);
      default -> throw new CheckpointException(
          "instantiates " + global.dottedName() + ", which is a function here, not a class");
    };
  }

  /** BUILD: gives an object its state. */
  static void build(Object target, Object state) throws CheckpointException {
    if (target instanceof PendingObject pending) {
      pending.state = state;
    } else if (!(target instanceof Map) && !(target instanceof TorchTensor)) {
      // A state dict's attributes (its _metadata) and a tensor's Python attributes are not part
      // of the values this reader returns, so they are dropped; anything else is malformed.
      throw new CheckpointException("BUILD gives state to " + describe(target));
    }
  }

  private static Global requireGlobal(Object callable, String opcode) throws CheckpointException {
    if (callable instanceof Global global) {
      return global;
    }
    throw new CheckpointException(
        opcode + " applies " + describe(callable) + ", not an allowed global");
  }

  private static Map<Object, Object> orderedDict(Tuple args) throws CheckpointException {
    Map<Object, Object> map = new LinkedHashMap<>();
    if (args.size() == 0) {
      return map;
    }
    if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
      for (Object pair : pairs) {
        List<?> items = pair instanceof Tuple t ? t.items() : pair instanceof List<?> l ? l : null;
        if (items == null || items.size() != 2) {
          throw new CheckpointException("collections.OrderedDict expects (key, value) pairs, got "
              + describe(pair));
        }
        PickleValues.requireHashable(items.get(0));
        map.put(items.get(0), items.get(1));
      }
      return map;
    }
    throw new CheckpointException("collections.OrderedDict called with " + args.size()
        + " arguments: " + describe(args));
  }

  private TorchTensor rebuildTensor(Global global, Tuple args, int arity)
      throws CheckpointException {
    String function = global.dottedName();
    // _rebuild_tensor_v2 gained a seventh argument (metadata) in later releases.
    if (args.size() != arity && !(arity == 6 && args.size() == 7)) {
      throw new CheckpointException(
          function + " expects " + arity + " arguments, got " + args.size());
    }
    if (!(args.get(0) instanceof StorageRef storage)) {
      throw new CheckpointException(
          function + " expects a storage first, got " + describe(args.get(0)));
    }
    long offset = nonNegative(args.get(1), function + " storage offset");
    long[] shape = dimensions(args.get(2), function + " size");
    long[] strides = dimensions(args.get(3), function + " stride");
    if (shape.length != strides.length) {
      throw new CheckpointException(function + " has " + shape.length + " sizes but "
          + strides.length + " strides");
    }
    if (++tensors > limits.maxTensors()) {
      throw new CheckpointException(
          "holds more than " + limits.maxTensors() + " tensors (the maxTensors limit)");
    }
    return new TorchTensor(storage, offset, shape, strides);
  }

  private static TorchTensor parameter(Global global, Tuple args, int arity)
      throws CheckpointException {
    if (args.size() != arity || !(args.get(0) instanceof TorchTensor tensor)) {
      throw new CheckpointException(global.dottedName() + " expects a tensor and "
          + (arity - 1) + " more arguments, got " + describe(args));
    }
    return tensor;
  }

  /** Protocol 2 pickles bytes as {@code _codecs.encode(str, 'latin1')}: one char per byte. */
  private static byte[] latin1Bytes(Tuple args) throws CheckpointException {
    if (args.size() != 2 || !(args.get(0) instanceof String text)
        || !(args.get(1) instanceof String encoding) || !LATIN1.contains(encoding.toLowerCase())) {
      throw new CheckpointException("_codecs.encode is allowed only as (str, 'latin1'), got "
          + describe(args));
    }
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = text.charAt(i);
      if (c > 0xff) {
        throw new CheckpointException("_codecs.encode: character U+"
            + Integer.toHexString(c) + " at index " + i + " is not latin1");
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  private static long nonNegative(Object value, String what) throws CheckpointException {
    if (value instanceof Long number && number >= 0) {
      return number;
    }
    throw new CheckpointException(what + " is " + describe(value)
        + ", not a non-negative integer");
  }

  private static long[] dimensions(Object value, String what) throws CheckpointException {
    List<?> items = value instanceof Tuple t ? t.items() : value instanceof List<?> l ? l : null;
    if (items == null) {
      throw new CheckpointException(what + " is " + describe(value) + ", not a tuple");
    }
    long[] dims = new long[items.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = nonNegative(items.get(i), what + "[" + i + "]");
    }
    return dims;
  }
}
