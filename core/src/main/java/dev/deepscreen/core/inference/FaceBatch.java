package dev.deepscreen.core.inference;

/**
 * A batch of preprocessed faces for one model, in the layout the model takes: plain Java memory
 * (each engine copies it into its own tensor for the call and frees that at once), so nothing
 * above the engines holds native memory or knows which engine runs.
 */
public final class FaceBatch {

  private final int count;
  private final int size;
  private final InputLayout layout;
  private final float[] values;

  /**
   * An all-zero batch of {@code count} faces of {@code size} by {@code size} RGB pixels.
   *
   * @throws IllegalArgumentException if the batch is empty or too large for one array
   */
  public FaceBatch(int count, int size, InputLayout layout) {
    long length = (long) count * size * size * 3;
    if (count < 1 || size < 1 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("A batch of " + count + " faces of " + size
          + " pixels cannot be made");
    }
    this.count = count;
    this.size = size;
    this.layout = layout;
    this.values = new float[(int) length];
  }

  public int count() {
    return count;
  }

  public int size() {
    return size;
  }

  public InputLayout layout() {
    return layout;
  }

  /** The tensor shape of the batch. */
  public long[] shape() {
    return layout.shape(count, size);
  }

  /**
   * Puts face {@code index}, given as {@code size * size * 3} floats in row-major HWC (RGB)
   * order as {@link FacePreprocessor#toInput} makes them, into the batch in its layout.
   */
  public void put(int index, float[] hwc) {
    int plane = size * size;
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException("Face " + index + " of a batch of " + count);
    }
    if (hwc.length != plane * 3) {
      throw new IllegalArgumentException("Expected " + plane * 3 + " values, got " + hwc.length);
    }
    int base = index * plane * 3;
    if (layout == InputLayout.NHWC) {
      System.arraycopy(hwc, 0, values, base, hwc.length);
    } else {
      for (int p = 0; p < plane; p++) {
        values[base + p] = hwc[3 * p];
        values[base + plane + p] = hwc[3 * p + 1];
        values[base + 2 * plane + p] = hwc[3 * p + 2];
      }
    }
  }

  /** The values in the batch's layout; engines read them, nobody else should. */
  float[] values() {
    return values;
  }
}
