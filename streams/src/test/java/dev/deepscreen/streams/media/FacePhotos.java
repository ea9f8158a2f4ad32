package dev.deepscreen.streams.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The real face photos the build fetches (face-api 1.7.15 demo: six group photos, 22 faces) and
 * their labelled face boxes.
 */
public final class FacePhotos {
  public static final Path FOLDER = Path.of("target", "face-photos");
  public static final List<String> NAMES = List.of("sample1.jpg", "sample2.jpg", "sample3.jpg",
      "sample4.jpg", "sample5.jpg", "sample6.jpg");

  private FacePhotos() {}

  /** A photo as an 8-bit BGR image; the caller closes it. */
  public static Mat read(String name) {
    Mat image = imread(FOLDER.resolve(name).toString());
    if (image.empty()) {
      image.close();
      throw new IllegalStateException("Cannot read " + FOLDER.resolve(name)
          + "; the build fetches the photos in generate-resources");
    }
    return image;
  }

  /** The labelled faces of every photo, by photo name. */
  public static Map<String, List<FaceBox>> labelledFaces() {
    try {
      List<String> lines = Files.readAllLines(Path.of("src", "test", "resources", "faces",
          "face-api-demo-faces.csv"));
      return lines.stream().filter(l -> !l.startsWith("#") && !l.startsWith("photo,"))
          .map(l -> l.split(","))
          .collect(Collectors.groupingBy(f -> f[0], Collectors.mapping(
              f -> new FaceBox(Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                  Integer.parseInt(f[3]), Integer.parseInt(f[4]), 1f), Collectors.toList())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
