package dev.deepscreen.core.inference;

import java.util.Arrays;

/**
 * Where one face's evidence for "fake" lies: the class-activation grid of a model at its last
 * convolutional block's resolution, quantised to a byte per cell. Cell {@code (x, y)} is
 * {@code cells[y * width + x]}, an unsigned value in 0..255 scaled to the grid's own maximum,
 * which {@link #max} keeps (in the model's logit units; see {@link FaceModel}), so that {@code
 * value(x, y) = cell(x, y) / 255 * max}. Negative activations (evidence for "real") are cut to
 * zero; a grid without positive evidence is all zeros with a maximum of 0.
 *
 * @param width cells per row
 * @param height rows
 * @param cells {@code width * height} quantised cells, row-major
 * @param max the largest (rectified) activation of the grid, the value of cell 255
 */
public record Heatmap(int width, int height, byte[] cells, float max) {

  public Heatmap {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("A heatmap needs a positive size, not " + width + "x"
          + height);
    }
    if (cells.length != width * height) {
      throw new IllegalArgumentException("A " + width + "x" + height + " heatmap has "
          + width * height + " cells, not " + cells.length);
    }
    if (!(max >= 0) || Float.isInfinite(max)) {
      throw new IllegalArgumentException("A heatmap's maximum is finite and >= 0, not " + max);
    }
  }

  /**
   * Quantises {@code values}, row-major {@code width * height}: negatives and NaN become 0, the
   * largest value 255.
   */
  public static Heatmap quantise(float[] values, int width, int height) {
    if (values.length != width * height) {
      throw new IllegalArgumentException("A " + width + "x" + height + " heatmap has "
          + width * height + " cells, not " + values.length);
    }
    float max = 0;
    for (float v : values) {
      if (v > max && !Float.isInfinite(v)) {
        max = v;
      }
    }
    byte[] cells = new byte[values.length];
    if (max > 0) {
      for (int i = 0; i < values.length; i++) {
        float v = values[i] > 0 ? Math.min(values[i], max) : 0;
        cells[i] = (byte) Math.round(v / max * 255f);
      }
    }
    return new Heatmap(width, height, cells, max);
  }

  /** Cell {@code (x, y)}, 0..255. */
  public int cell(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) {
      throw new IndexOutOfBoundsException("(" + x + ", " + y + ") is outside " + width + "x"
          + height);
    }
    return cells[y * width + x] & 0xff;
  }

  /** The activation of cell {@code (x, y)} back from its byte: within {@code max / 510}. */
  public float value(int x, int y) {
    return cell(x, y) / 255f * max;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Heatmap h && h.width == width && h.height == height
        && Float.compare(h.max, max) == 0 && Arrays.equals(h.cells, cells);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * width + height) + Float.hashCode(max)) + Arrays.hashCode(cells);
  }

  @Override
  public String toString() {
    return "Heatmap[" + width + "x" + height + ", max " + max + "]";
  }
}
