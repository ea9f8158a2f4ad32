package dev.deepscreen.trainer.pytorch;

import static dev.deepscreen.trainer.pytorch.PickleValues.quote;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One storage of a checkpoint: a key, an element type and count, and, once the format reader has
 * read them, the bytes. Several tensors may share it.
 */
final class Storage {
  private final String key;
  private final DType dtype;
  private final long elementCount;
  private ByteBuffer data;

  Storage(String key, DType dtype, long elementCount) {
    this.key = key;
    this.dtype = dtype;
    this.elementCount = elementCount;
  }

  String key() {
    return key;
  }

  DType dtype() {
    return dtype;
  }

  long elementCount() {
    return elementCount;
  }

  /** Checked against the count when the storage is declared, so it fits an int. */
  int byteCount() {
    return Math.toIntExact(elementCount * dtype.elementSize());
  }

  boolean isLoaded() {
    return data != null;
  }

  void load(byte[] bytes) {
    if (bytes.length != byteCount()) {
      throw new IllegalArgumentException(
          "storage " + quote(key) + " needs " + byteCount() + " bytes, not " + bytes.length);
    }
    data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Little-endian; callers use absolute reads only, so tensors can share it. */
  ByteBuffer data() {
    if (data == null) {
      throw new IllegalStateException("storage " + quote(key) + " was never read");
    }
    return data;
  }
}
