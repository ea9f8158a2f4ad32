package dev.deepscreen.trainer.synth;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deepscreen.core.media.ClipWriter;
import dev.deepscreen.core.media.FaceBlender;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FacePhotos;
import dev.deepscreen.trainer.Seeds;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Builds a labelled video data set in the DFDC layout (one folder of clips and a
 * {@code metadata.json} giving each clip's label, split and, for a fake, its original) from the
 * real face photos: no deepfake data set can be had here.
 *
 * <p>Each face of each photo gets {@link SynthSettings#clipsPerFace()} real clips, each a
 * camera move around it over the untouched photo. From each real clip come two fakes with the
 * same camera move over a manipulated copy of the photo in which every face is changed: one by
 * self-blending ({@link FaceBlender#selfBlend}), one by swapping with another person of the same
 * split ({@link FaceBlender#swap}). Real and fake clips are encoded alike, at one bit rate per
 * original, so compression tells nothing.
 *
 * <p>Everything derives from the seed: the same settings write the same clips.
 */
public final class SyntheticDataset {

  /** The metadata file of the DFDC layout. */
  public static final String METADATA = "metadata.json";

  /** How many clips of each kind were written. */
  public record Summary(int real, int selfBlended, int swapped, int test) {
    public int total() {
      return real + selfBlended + swapped;
    }
  }

  private record Subject(String photo, int face, FaceBox box, String split) {}

  private final SynthSettings settings;
  private final PrintStream progress;

  public SyntheticDataset(SynthSettings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Writes the data set into {@code folder}, which must be empty or absent.
   *
   * @throws IllegalArgumentException if the folder holds files, or a split has only one face
   */
  public Summary write(Path folder) throws IOException {
    Files.createDirectories(folder);
    try (Stream<Path> entries = Files.list(folder)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("The output folder " + folder + " is not empty");
      }
    }
    Map<String, List<FaceBox>> labelled = FacePhotos.labelledFaces();
    List<Subject> subjects = new ArrayList<>();
    for (String photo : settings.photos()) {
      String split = settings.testPhotos().contains(photo) ? "test" : "train";
      List<FaceBox> faces = labelled.get(photo);
      for (int i = 0; i < faces.size(); i++) {
        subjects.add(new Subject(photo, i, faces.get(i), split));
      }
    }
    for (String split : List.of("train", "test")) {
      long people = subjects.stream().filter(s -> s.split().equals(split)).count();
      if (people == 1) {
        throw new IllegalArgumentException("The " + split + " split has one face; a swap needs"
            + " two people");
      }
    }
    Map<String, Map<String, Object>> metadata = new LinkedHashMap<>();
    int total = subjects.size() * settings.clipsPerFace() * 3;
    int written = 0;
    int test = 0;
    Map<String, Mat> photos = new LinkedHashMap<>();
    try {
      for (String photo : settings.photos()) {
        photos.put(photo, FacePhotos.read(photo));
      }
      for (int s = 0; s < subjects.size(); s++) {
        Subject subject = subjects.get(s);
        for (int c = 0; c < settings.clipsPerFace(); c++) {
          SplittableRandom random = Seeds.random(settings.seed(), s, c);
          CameraPath path = CameraPath.around(subject.box(), random);
          int bitrate = (int) FaceBlender.uniform(random, 250_000, 700_000);
          String stem = subject.photo().replace(".jpg", "") + "-face" + subject.face()
              + "-clip" + c;
          String original = stem + "." + settings.codec().extension();
          Mat photo = photos.get(subject.photo());
          writeClip(folder.resolve(original), photo, path, bitrate);
          metadata.put(original, entry("REAL", subject.split(), null, null));

          String sbi = stem + "-sbi." + settings.codec().extension();
          try (Mat fake = photo.clone()) {
            for (FaceBox face : labelled.get(subject.photo())) {
              FaceBlender.selfBlend(fake, face, random);
            }
            writeClip(folder.resolve(sbi), fake, path, bitrate);
          }
          metadata.put(sbi, entry("FAKE", subject.split(), original, "self-blended"));

          String swap = stem + "-swap." + settings.codec().extension();
          try (Mat fake = photo.clone()) {
            List<FaceBox> faces = labelled.get(subject.photo());
            for (int f = 0; f < faces.size(); f++) {
              Subject donor = donor(subjects, subject.photo(), f, subject.split(), random);
              FaceBlender.swap(fake, faces.get(f), photos.get(donor.photo()), donor.box(),
                  random);
            }
            writeClip(folder.resolve(swap), fake, path, bitrate);
          }
          metadata.put(swap, entry("FAKE", subject.split(), original, "face-swap"));
          written += 3;
          test += subject.split().equals("test") ? 3 : 0;
          progress.printf("synth: %d/%d clips%n", written, total);
        }
      }
    } finally {
      photos.values().forEach(Mat::close);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve(METADATA).toFile(), metadata);
    int perKind = written / 3;
    return new Summary(perKind, perKind, perKind, test);
  }

  /** Another person of the same split, from another photo when the split has one. */
  private static Subject donor(List<Subject> subjects, String photo, int face, String split,
      SplittableRandom random) {
    List<Subject> others = subjects.stream()
        .filter(s -> s.split().equals(split) && !s.photo().equals(photo)).toList();
    if (others.isEmpty()) {
      others = subjects.stream()
          .filter(s -> s.split().equals(split) && s.photo().equals(photo) && s.face() != face)
          .toList();
    }
    return others.get(random.nextInt(others.size()));
  }

  private static Map<String, Object> entry(String label, String split, String original,
      String method) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("label", label);
    entry.put("split", split);
    entry.put("original", original);
    if (method != null) {
      entry.put("method", method);
    }
    return entry;
  }

  private void writeClip(Path file, Mat photo, CameraPath path, int bitrate) {
    int size = settings.frameSize();
    try (ClipWriter clip = ClipWriter.open(file, settings.codec(), size, size, settings.fps(),
        bitrate, 0); Size frameSize = new Size(size, size)) {
      for (int i = 0; i < settings.frames(); i++) {
        try (Rect window = path.window(i, settings.frames(), photo.cols(), photo.rows());
            Mat view = new Mat(photo, window); Mat frame = new Mat()) {
          resize(view, frame, frameSize, 0, 0, INTER_AREA);
          clip.write(frame);
        }
      }
    } catch (FrameRecorder.Exception e) {
      throw new UncheckedIOException(new IOException("Cannot encode " + file + ": "
          + e.getMessage(), e));
    }
  }
}
