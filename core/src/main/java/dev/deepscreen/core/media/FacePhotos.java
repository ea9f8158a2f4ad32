package dev.deepscreen.core.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

  /** {@code faces.csv}: {@code #} comment lines, a header line, then one face per row. */
  private static final ObjectReader FACES_CSV = new CsvMapper().readerFor(FaceRow.class)
      .with(CsvSchema.emptySchema().withHeader().withComments())
      .with(CsvParser.Feature.SKIP_EMPTY_LINES);

  private record FaceRow(@JsonProperty("photo") String photo, @JsonProperty("x") int x,
      @JsonProperty("y") int y, @JsonProperty("width") int width,
      @JsonProperty("height") int height) {}

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
    Map<String, List<FaceBox>> listed = readFaces(
        new ByteArrayInputStream(resource("faces.csv")));
    for (String name : listed.keySet()) {
      if (!NAMES.contains(name)) {
        throw new IllegalStateException(RESOURCE_FOLDER + "faces.csv labels " + name
            + ", which is not one of " + NAMES);
      }
    }
    Map<String, List<FaceBox>> faces = new LinkedHashMap<>();
    NAMES.forEach(n -> faces.put(n, listed.getOrDefault(n, List.of())));
    return Collections.unmodifiableMap(faces);
  }

  /**
   * The faces of a {@code faces.csv} ({@code photo,x,y,width,height}, with {@code #} comment
   * lines), by photo name in order of appearance, each photo's faces in file order.
   */
  static Map<String, List<FaceBox>> readFaces(InputStream csv) {
    Map<String, List<FaceBox>> faces = new LinkedHashMap<>();
    try (MappingIterator<FaceRow> rows = FACES_CSV.readValues(csv)) {
      while (rows.hasNextValue()) {
        FaceRow row = rows.nextValue();
        faces.computeIfAbsent(row.photo(), n -> new ArrayList<>())
            .add(new FaceBox(row.x(), row.y(), row.width(), row.height(), 1f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read faces.csv: " + e.getMessage(), e);
    }
    faces.replaceAll((name, boxes) -> Collections.unmodifiableList(boxes));
    return faces;
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
