package dev.deepscreen.core.media;

/**
 * A face found by the detector: a box in the pixel coordinates of the frame it was found in, and
 * the detector's confidence.
 */
public record FaceBox(int x, int y, int width, int height, float score) {

  public FaceBox {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("empty face box " + width + "x" + height);
    }
  }

  public int right() {
    return x + width;
  }

  public int bottom() {
    return y + height;
  }

  /** Intersection over union with another box, in [0, 1]. */
  public double iou(FaceBox other) {
    long ix = Math.max(0, Math.min(right(), other.right()) - Math.max(x, other.x));
    long iy = Math.max(0, Math.min(bottom(), other.bottom()) - Math.max(y, other.y));
    long intersection = ix * iy;
    long union = (long) width * height + (long) other.width * other.height - intersection;
    return union == 0 ? 0 : (double) intersection / union;
  }
}
