package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.describe;
import static dev.deepscreen.trainer.pytorch.PickleValues.quote;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storages a checkpoint's pickle refers to through persistent ids, by key. The pickle only
 * declares them (type and element count); the format reader then reads their bytes.
 */
final class StorageTable {
  private final CheckpointLimits limits;
  private final Map<String, Storage> byKey = new LinkedHashMap<>();
  private long totalBytes;

  StorageTable(CheckpointLimits limits) {
    this.limits = limits;
  }

  Collection<Storage> storages() {
    return Collections.unmodifiableCollection(byKey.values());
  }

  Storage get(String key) {
    return byKey.get(key);
  }

  /**
   * A persistent id: {@code ('storage', storage class, key, location, element count)}, with a
   * sixth item in legacy files, {@code None} or a view {@code (view key, offset, element count)}.
   * The location (cpu, cuda:0, ...) does not matter: everything is read onto the CPU.
   */
  StorageRef resolve(Object id) throws CheckpointException {
    if (!(id instanceof Tuple pid) || pid.size() == 0) {
      throw new CheckpointException(
          "refuses the persistent id " + describe(id) + " (only storages are allowed)");
    }
    String type = text(pid.get(0));
    if ("module".equals(type)) {
      throw new CheckpointException("refuses a persistent id for a module class: the file holds a"
          + " whole module object, not a state dict (save and read model.state_dict() instead)");
    }
    if (!"storage".equals(type)) {
      throw new CheckpointException("refuses a persistent id of kind "
          + (type == null ? describe(pid.get(0)) : "'" + type + "'")
          + " (only storages are allowed)");
    }
    if (pid.size() != 5 && pid.size() != 6) {
      throw new CheckpointException(
          "holds a storage persistent id of " + pid.size() + " items, not 5 or 6");
    }
    if (!(pid.get(1) instanceof Global cls) || cls.kind() != Global.Kind.STORAGE_CLASS) {
      throw new CheckpointException("holds a storage persistent id whose type is "
          + describe(pid.get(1)) + ", not a storage class");
    }
    String key = text(pid.get(2));
    if (key == null) {
      throw new CheckpointException("holds a storage persistent id whose key is "
          + describe(pid.get(2)) + ", not a str");
    }
    long count = count(pid.get(4), "the element count of storage " + quote(key));
    Storage storage = declare(key, DType.ofStorageClass(cls.name()), count);
    Object view = pid.size() == 6 ? pid.get(5) : null;
    if (view == null) {
      return new StorageRef(storage, 0, count);
    }
    // Old torch saved storage views as (view key, offset, size) into the root storage.
    if (!(view instanceof Tuple v) || v.size() != 3) {
      throw new CheckpointException("holds view metadata " + describe(view)
          + " for storage " + quote(key) + ", not (key, offset, size)");
    }
    long offset = count(v.get(1), "the offset of a view of storage " + quote(key));
    long size = count(v.get(2), "the size of a view of storage " + quote(key));
    if (offset > count || size > count - offset) {
      throw new CheckpointException("holds a view of elements " + offset + " to "
          + (offset + size) + " of storage " + quote(key) + ", which has " + count);
    }
    return new StorageRef(storage, offset, size);
  }

  private Storage declare(String key, DType dtype, long count) throws CheckpointException {
    Storage known = byKey.get(key);
    if (known != null) {
      if (known.dtype() != dtype || known.elementCount() != count) {
        throw new CheckpointException("declares storage " + quote(key) + " as "
            + known.elementCount() + " " + known.dtype() + " and as " + count + " " + dtype);
      }
      return known;
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(count, dtype.elementSize());
    } catch (ArithmeticException e) {
      bytes = Long.MAX_VALUE;
    }
    if (bytes > ByteInput.MAX_ARRAY) {
      throw new CheckpointException("declares storage " + quote(key) + " of " + count + " " + dtype
          + " elements, more bytes than one array holds");
    }
    if (totalBytes + bytes > limits.maxStorageBytes()) {
      throw new CheckpointException("needs more than " + limits.maxStorageBytes()
          + " bytes of storages (the maxStorageBytes limit) with storage " + quote(key));
    }
    totalBytes += bytes;
    Storage storage = new Storage(key, dtype, count);
    byKey.put(key, storage);
    return storage;
  }

  private static long count(Object value, String what) throws CheckpointException {
    if (value instanceof Long number && number >= 0) {
      return number;
    }
    throw new CheckpointException(what + " is " + describe(value)
        + ", not a non-negative integer");
  }

  /** A str, or bytes as Python 2 files read with a bytes encoding have them; else null. */
  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    return value instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : null;
  }
}
