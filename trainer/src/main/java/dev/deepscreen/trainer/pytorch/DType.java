package dev.deepscreen.trainer.pytorch;

import java.nio.ByteBuffer;
import java.util.Map;

/** The element types of the tensors this reader understands, with their size in bytes. */
public enum DType {
  FLOAT32(4, "FloatStorage"),
  FLOAT16(2, "HalfStorage"),
  BFLOAT16(2, "BFloat16Storage"),
  FLOAT64(8, "DoubleStorage"),
  INT64(8, "LongStorage"),
  INT32(4, "IntStorage"),
  INT16(2, "ShortStorage"),
  INT8(1, "CharStorage"),
  UINT8(1, "ByteStorage"),
  BOOL(1, "BoolStorage");

  private static final Map<String, DType> BY_STORAGE_CLASS = Map.of(
      FLOAT32.storageClass, FLOAT32, FLOAT16.storageClass, FLOAT16,
      BFLOAT16.storageClass, BFLOAT16, FLOAT64.storageClass, FLOAT64,
      INT64.storageClass, INT64, INT32.storageClass, INT32, INT16.storageClass, INT16,
      INT8.storageClass, INT8, UINT8.storageClass, UINT8, BOOL.storageClass, BOOL);

  private final int elementSize;
  private final String storageClass;

  DType(int elementSize, String storageClass) {
    this.elementSize = elementSize;
    this.storageClass = storageClass;
  }

  /** Bytes per element. */
  public int elementSize() {
    return elementSize;
  }

  /**
   * The type of a storage class's simple name ({@code FloatStorage}); {@code UntypedStorage} holds
   * bytes. {@code null} for any other name.
   */
  static DType ofStorageClass(String simpleName) {
    return "UntypedStorage".equals(simpleName) ? UINT8 : BY_STORAGE_CLASS.get(simpleName);
  }

  /** The simple name of the torch class of storages of this type ({@code FloatStorage}). */
  String storageClass() {
    return storageClass;
  }

  /** The element at {@code byteIndex} of a little-endian buffer, as the nearest float. */
  float read(ByteBuffer data, int byteIndex) {
    return switch (this) {
      case FLOAT32 -> data.getFloat(byteIndex);
      case FLOAT16 -> halfToFloat(data.getShort(byteIndex));
      // bfloat16 is the top half of a float32.
      case BFLOAT16 -> Float.intBitsToFloat((data.getShort(byteIndex) & 0xffff) << 16);
      case FLOAT64 -> (float) data.getDouble(byteIndex);
      case INT64 -> (float) data.getLong(byteIndex);
      case INT32 -> (float) data.getInt(byteIndex);
      case INT16 -> data.getShort(byteIndex);
      case INT8 -> data.get(byteIndex);
      case UINT8 -> data.get(byteIndex) & 0xff;
      case BOOL -> data.get(byteIndex) != 0 ? 1f : 0f;
    };
  }

  /** IEEE half precision to float; every half value is exactly representable as a float. */
  static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: mantissa * 2^-24, exact in float.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
  }
}
