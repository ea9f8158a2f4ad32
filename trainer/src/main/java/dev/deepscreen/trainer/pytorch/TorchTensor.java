package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.quote;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor read from a checkpoint: an element type, a shape, strides and an offset into a storage
 * that other tensors may share (views, transposes, slices). The values are read on demand by
 * {@link #toFloats()}, following the strides, so a view costs no copy until then.
 */
public final class TorchTensor {
  private final StorageRef storage;
  private final long offset;
  private final long[] shape;
  private final long[] strides;
  private final long elementCount;
  private String name;

  TorchTensor(StorageRef storage, long offset, long[] shape, long[] strides)
      throws CheckpointException {
    this.storage = storage;
    this.offset = offset;
    this.shape = shape.clone();
    this.strides = strides.clone();
    long count = 1;
    try {
      for (long size : shape) {
        count = Math.multiplyExact(count, size);
      }
    } catch (ArithmeticException e) {
      throw new CheckpointException("holds a tensor of shape " + Arrays.toString(shape)
          + ", more elements than a long counts");
    }
    this.elementCount = count;
  }

  public DType dtype() {
    return storage.storage().dtype();
  }

  /** The size of each dimension; empty for a 0-dimensional (scalar) tensor. */
  public long[] shape() {
    return shape.clone();
  }

  /** For each dimension, how many storage elements apart its consecutive elements are. */
  public long[] strides() {
    return strides.clone();
  }

  /** The storage element holding this tensor's first element. */
  public long storageOffset() {
    return offset;
  }

  public long elementCount() {
    return elementCount;
  }

  /**
   * The elements in row-major (C) order, each converted to the nearest float32 (integers beyond
   * 2^24 and float64 values round; booleans are 0 and 1).
   *
   * @throws IllegalStateException if the tensor has more elements than a Java array holds
   */
  public float[] toFloats() {
    if (elementCount > ByteInput.MAX_ARRAY) {
      throw new IllegalStateException("tensor " + quote(name) + " of shape "
          + Arrays.toString(shape) + " has " + elementCount
          + " elements, more than a float[] holds");
    }
    float[] values = new float[(int) elementCount];
    if (values.length == 0) {
      return values;
    }
    DType dtype = dtype();
    int size = dtype.elementSize();
    ByteBuffer data = storage.storage().data();
    // Bounds were checked when the checkpoint was read, so every byte index fits an int.
    long position = storage.offset() + offset;
    if (isContiguous()) {
      int start = (int) (position * size);
      if (dtype == DType.FLOAT32) {
        data.slice(start, values.length * size).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
            .get(values);
      } else {
        for (int i = 0; i < values.length; i++) {
          values[i] = dtype.read(data, start + i * size);
        }
      }
      return values;
    }
    long[] index = new long[shape.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = dtype.read(data, (int) (position * size));
      for (int d = shape.length - 1; d >= 0; d--) {
        position += strides[d];
        if (++index[d] < shape[d]) {
          break;
        }
        position -= strides[d] * shape[d];
        index[d] = 0;
      }
    }
    return values;
  }

  @Override
  public String toString() {
    return "TorchTensor[" + name + ": " + dtype() + " " + Arrays.toString(shape) + "]";
  }

  /** The first key or path the tensor is found under names it in messages. */
  void nameIfUnnamed(String path) {
    if (name == null) {
      name = path;
    }
  }

  /** Every element this tensor can reach must lie inside its storage (or storage view). */
  void checkBounds() throws CheckpointException {
    if (elementCount == 0) {
      return;
    }
    long last = offset;
    try {
      for (int d = 0; d < shape.length; d++) {
        last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
      }
    } catch (ArithmeticException e) {
      last = Long.MAX_VALUE;
    }
    if (last >= storage.elementCount()) {
      throw new CheckpointException("tensor " + quote(name) + " (shape " + Arrays.toString(shape)
          + ", strides " + Arrays.toString(strides) + ", offset " + offset + ") reaches element "
          + (last == Long.MAX_VALUE ? "2^63 or beyond" : String.valueOf(last)) + " of storage "
          + quote(storage.storage().key()) + ", which holds " + storage.elementCount());
    }
  }

  private boolean isContiguous() {
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }
}
