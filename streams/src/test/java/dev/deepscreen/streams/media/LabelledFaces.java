package dev.deepscreen.streams.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The hand-labelled face boxes of the {@link FacePhotos}. */
public final class LabelledFaces {
  private LabelledFaces() {}

  /** The labelled faces of every photo, by photo name. */
  public static Map<String, List<FaceBox>> byPhoto() {
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
