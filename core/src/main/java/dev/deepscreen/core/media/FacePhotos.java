package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The real face photos shipped on this module's classpath (face-api 1.7.15 demo, MIT: six group
 * photos with 22 faces), fetched by the build from the npm registry, and their labelled face
 * boxes. Test clips, sample videos and the trainer's synthetic data set are made from them; no
 * real-person face video can be had here.
 */
public final class FacePhotos {
  /** Classpath folder of the photos, {@code faces.csv} and the photos' licence. */
  public static final String RESOURCE_FOLDER = "/dev/deepscreen/core/photos/";
  public static final List<String> NAMES = List.of("sample1.jpg", "sample2.jpg", "sample3.jpg",
      "sample4.jpg", "sample5.jpg", "sample6.jpg");

  private FacePhotos() {}

  /**
   * A photo as an 8-bit BGR image; the caller closes it.
   *
   * @throws IllegalArgumentException if {@code name} is not one of {@link #NAMES}
   */
  public static Mat read(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("No face photo " + name + "; there are " + NAMES);
    }
    byte[] bytes = resource(name);
    Mat image;
    try (Mat encoded = new Mat(bytes)) {
      image = imdecode(encoded, IMREAD_COLOR);
    }
    if (image.empty()) {
      image.close();
      throw new IllegalStateException("Cannot decode the face photo " + name);
    }
    return image;
  }

  /**
   * The labelled faces of every photo, by photo name in {@link #NAMES} order, each photo's faces
   * in file order.
   */
  public static Map<String, List<FaceBox>> labelledFaces() {
    Map<String, List<FaceBox>> faces = new LinkedHashMap<>();
    NAMES.forEach(n -> faces.put(n, new ArrayList<>()));
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        new ByteArrayInputStream(resource("faces.csv")), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("#") || line.startsWith("photo,") || line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        faces.get(f[0]).add(new FaceBox(Integer.parseInt(f[1]), Integer.parseInt(f[2]),
            Integer.parseInt(f[3]), Integer.parseInt(f[4]), 1f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    faces.replaceAll((name, boxes) -> Collections.unmodifiableList(boxes));
    return Collections.unmodifiableMap(faces);
  }

  private static byte[] resource(String name) {
    try (InputStream in = FacePhotos.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE_FOLDER + name + " is not on the classpath;"
            + " the build fetches the photos in generate-resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE_FOLDER + name, e);
    }
  }
}
