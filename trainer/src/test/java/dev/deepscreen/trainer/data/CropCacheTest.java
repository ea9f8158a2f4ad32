package dev.deepscreen.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.FaceBox;
import dev.deepscreen.core.media.FaceDetector;
import dev.deepscreen.trainer.synth.SynthSettings;
import dev.deepscreen.trainer.synth.SyntheticDataset;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CropCacheTest {

  static final CropCache.Settings SETTINGS = new CropCache.Settings(2, 96, 0.3, 90, 0.7f);

  @TempDir
  static Path shared;
  static List<LabelledVideo> videos;

  @BeforeAll
  static void makeClips() throws Exception {
    new SyntheticDataset(new SynthSettings(5, List.of("sample1.jpg"), List.of(), 1, 3, 10, 192,
        Codec.H264_MP4), new PrintStream(OutputStream.nullOutputStream()))
        .write(shared.resolve("synth"));
    Files.writeString(shared.resolve("synth/broken.mp4"), "not a video");
    videos = new ArrayList<>(DatasetLayout.DFDC.read(shared.resolve("synth"), null));
    videos.add(new LabelledVideo("broken.mp4", shared.resolve("synth/broken.mp4"), Label.REAL,
        List.of(), null));
  }

  @Test
  void extractsEveryVideosFacesWithThePipelinesCodeAndResumesAfterAnInterruption(
      @TempDir Path dir) throws Exception {
    Path cacheDir = dir.resolve("cache");
    CropCache cache = CropCache.create(cacheDir, videos, SETTINGS);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    assertThat(cache.fill(2, new PrintStream(log), false)).isEqualTo(10);
    assertThat(log.toString()).contains("preprocess [========================] 10/10 100%");

    List<CropCache.Entry> entries = CropCache.open(cacheDir).entries();
    assertThat(entries).hasSize(10);
    CropCache.Entry broken = entries.stream().filter(e -> e.video().id().equals("broken.mp4"))
        .findFirst().orElseThrow();
    assertThat(broken.crops().error()).startsWith("UNREADABLE");
    assertThat(broken.crops().crops()).isEmpty();
    for (CropCache.Entry entry : entries) {
      if (entry != broken) {
        // Two sampled frames, a face in each at least: the subject of the camera move.
        assertThat(entry.crops().crops()).as(entry.video().id()).hasSizeGreaterThanOrEqualTo(2);
        CropCache.Crop crop = entry.crops().crops().get(0);
        assertThat(entry.crops().frameWidth()).isEqualTo(192);
        try (Mat image = imread(entry.file(crop).toString());
            FaceDetector detector = FaceDetector.ultraFace(FaceDetector.Settings.DEFAULTS)) {
          assertThat(image.cols()).isEqualTo(96);
          assertThat(image.rows()).isEqualTo(96);
          // The detector finds the face where the cache says it lies inside the crop.
          FaceBox expected = cache.faceInCrop(entry.crops(), crop);
          assertThat(detector.detect(image)).anySatisfy(found ->
              assertThat(found.iou(expected)).isGreaterThan(0.6));
        }
      }
    }

    // An interrupted run leaves a folder without faces.json: only that video is redone.
    Path folder = entries.get(3).folder();
    Files.delete(folder.resolve("faces.json"));
    Files.writeString(folder.resolve("partial.jpg"), "half");
    CropCache again = CropCache.create(cacheDir, videos, SETTINGS);
    assertThat(again.pending()).containsExactly(entries.get(3).video());
    assertThat(again.fill(1, new PrintStream(OutputStream.nullOutputStream()), false))
        .isEqualTo(1);
    assertThat(folder.resolve("partial.jpg")).doesNotExist();
    assertThat(CropCache.open(cacheDir).entries().get(3).crops().crops())
        .isEqualTo(entries.get(3).crops().crops());
  }

  @Test
  void refusesACacheMadeWithOtherSettingsOrOfOtherVideos(@TempDir Path dir) throws Exception {
    CropCache.create(dir, videos, SETTINGS);
    assertThatThrownBy(() -> CropCache.create(dir, videos,
        new CropCache.Settings(4, 96, 0.3, 90, 0.7f)))
        .hasMessageContaining("was made with").hasMessageContaining("use another folder");
    assertThatThrownBy(() -> CropCache.create(dir, videos.subList(0, 3), SETTINGS))
        .hasMessageContaining("holds another data set's crops");
    assertThatThrownBy(() -> CropCache.create(dir, videos, SETTINGS).entries())
        .hasMessageContaining("10 videos of").hasMessageContaining("run preprocess");
  }
}
