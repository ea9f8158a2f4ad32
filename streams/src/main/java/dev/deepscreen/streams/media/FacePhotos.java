package dev.deepscreen.streams.media;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Real face photos shipped in the streams jar: the six group photos of the face-api 1.7.15 demo
 * (MIT, 22 faces), which the build fetches from the npm registry. The demo makes its sample
 * clips from them, and the tests their videos.
 */
public final class FacePhotos {

  /** Where the photos lie on the class path, with the licence they come under. */
  public static final String RESOURCE = "dev/deepscreen/streams/samples/";
  public static final List<String> NAMES = List.of("sample1.jpg", "sample2.jpg", "sample3.jpg",
      "sample4.jpg", "sample5.jpg", "sample6.jpg");

  private FacePhotos() {}

  /** A photo as an 8-bit BGR image; the caller closes it. */
  public static Mat read(String name) {
    byte[] bytes;
    try (InputStream in = FacePhotos.class.getClassLoader().getResourceAsStream(RESOURCE + name)) {
      if (in == null) {
        throw new IllegalStateException("No photo " + RESOURCE + name + " on the class path;"
            + " the build fetches the photos in generate-resources");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the photo " + name, e);
    }
    try (BytePointer data = new BytePointer(bytes);
        Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
      Mat image = imdecode(encoded, IMREAD_COLOR);
      if (image.empty()) {
        image.close();
        throw new IllegalStateException("The photo " + name + " cannot be decoded");
      }
      return image;
    }
  }
}
