package dev.deepscreen.core.inference;

/**
 * Reads the size of a JPEG image from its frame header without decoding it, so that a crop that
 * claims a small size but holds a huge image is refused before the decoder allocates its pixels.
 */
final class JpegHeader {

  private JpegHeader() {}

  /**
   * The image's {@code {width, height}}.
   *
   * @throws IllegalArgumentException if the bytes are not a JPEG stream with a frame header
   */
  static int[] size(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
      throw new IllegalArgumentException("The crop is not a JPEG image (" + jpeg.length
          + " bytes, no start-of-image marker)");
    }
    int at = 2;
    while (at + 3 < jpeg.length) {
      if ((jpeg[at] & 0xff) != 0xFF) {
        break;
      }
      int marker = jpeg[at + 1] & 0xff;
      if (marker == 0xFF) {
        at++; // fill byte before a marker
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        at += 2; // markers without a length
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        break; // scan data or end of image before any frame header
      }
      int length = ((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff);
      if (length < 2) {
        break;
      }
      if (isStartOfFrame(marker)) {
        if (at + 8 >= jpeg.length) {
          break;
        }
        int height = ((jpeg[at + 5] & 0xff) << 8) | (jpeg[at + 6] & 0xff);
        int width = ((jpeg[at + 7] & 0xff) << 8) | (jpeg[at + 8] & 0xff);
        return new int[] {width, height};
      }
      at += 2 + length;
    }
    throw new IllegalArgumentException("The crop is not a readable JPEG image (" + jpeg.length
        + " bytes, no frame header)");
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
        && marker != 0xCC;
  }
}
