package dev.deepscreen.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class FacePreprocessorTest {

  private final FacePreprocessor imagenet = new FacePreprocessor(4,
      FacePreprocessor.IMAGENET_MEAN, FacePreprocessor.IMAGENET_STD);

  @Test
  void pixelsBecomeRgbScaledAndNormalisedPerChannel() {
    // BGR (0, 128, 255): R = 255, G = 128, B = 0.
    try (Mat bgr = new Mat(4, 4, opencv_core.CV_8UC3, new Scalar(0, 128, 255, 0));
        TFloat32 batch = TFloat32.tensorOf(Shape.of(2, 4, 4, 3))) {
      imagenet.write(bgr, batch, 1);
      Offset<Float> close = Offset.offset(1e-6f);
      assertThat(batch.getFloat(1, 3, 2, 0)).isCloseTo((1f - 0.485f) / 0.229f, close);
      assertThat(batch.getFloat(1, 0, 0, 1)).isCloseTo((128f / 255f - 0.456f) / 0.224f, close);
      assertThat(batch.getFloat(1, 2, 1, 2)).isCloseTo((0f - 0.406f) / 0.225f, close);
    }
  }

  @Test
  void aCropOfAnotherSizeIsResizedAndPaddedLikeTheCropper() {
    // 8x4 white: shrunk to 4x2, centred with one black row above and below.
    try (Mat wide = new Mat(4, 8, opencv_core.CV_8UC3, new Scalar(255, 255, 255, 0));
        TFloat32 batch = TFloat32.tensorOf(Shape.of(1, 4, 4, 3))) {
      imagenet.write(wide, batch, 0);
      assertThat(batch.getFloat(0, 0, 1, 0)).isCloseTo(-0.485f / 0.229f, Offset.offset(1e-6f));
      assertThat(batch.getFloat(0, 1, 1, 0)).isCloseTo((1f - 0.485f) / 0.229f,
          Offset.offset(1e-6f));
    }
  }

  @Test
  void undecodableOrMisdeclaredCropsAreRefused() {
    assertThatThrownBy(() -> FacePreprocessor.decode(new byte[] {1, 2, 3}, 4, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The crop is not a JPEG image (3 bytes, no start-of-image marker)");
    assertThatThrownBy(() -> FacePreprocessor.decode(new byte[] {(byte) 0xFF, (byte) 0xD8,
        (byte) 0xFF, (byte) 0xDA, 0, 2}, 4, 4))
        .hasMessage("The crop is not a readable JPEG image (6 bytes, no frame header)");
    assertThatThrownBy(() -> FacePreprocessor.decode(new byte[] {1}, 5000, 5000))
        .hasMessage("The crop's declared size 5000x5000 is outside 1..4096");
    byte[] jpeg;
    try (Mat image = new Mat(6, 4, opencv_core.CV_8UC3, new Scalar(9, 9, 9, 0));
        BytePointer buffer = new BytePointer()) {
      imencode(".jpg", image, buffer);
      jpeg = new byte[(int) buffer.limit()];
      buffer.get(jpeg);
    }
    assertThatThrownBy(() -> FacePreprocessor.decode(jpeg, 4, 4))
        .hasMessage("The crop is 4x6, not the declared 4x4");
    assertThatThrownBy(() -> FacePreprocessor.decode(jpeg, 4, 6))
        .hasMessage("The crop is 4x6, not square");
    // A sound header over scan data that is not there: the decoder itself refuses it.
    byte[] headerOnly = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
    assertThatThrownBy(() -> FacePreprocessor.decode(headerOnly, 4, 6))
        .hasMessageStartingWith("The crop is not a decodable image");
  }
}
