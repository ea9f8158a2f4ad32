package dev.deepscreen.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.trainer.CsvTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLayoutTest {

  @TempDir
  Path root;

  @Test
  void readsDfdcPartsWithTheirMetadata() throws IOException {
    touch("part0/a.mp4", "part0/b.mp4", "part1/c.mp4");
    Files.writeString(root.resolve("part0/metadata.json"), """
        {"a.mp4": {"label": "REAL", "split": "train", "original": null},
         "b.mp4": {"label": "FAKE", "split": "train", "original": "a.mp4"}}""");
    Files.writeString(root.resolve("part1/metadata.json"), """
        {"c.mp4": {"label": "REAL", "split": "test"}}""");

    assertThat(DatasetLayout.detect(root)).isEqualTo(DatasetLayout.DFDC);
    List<LabelledVideo> videos = DatasetLayout.DFDC.read(root, null);

    assertThat(videos).containsExactly(
        new LabelledVideo("part0/a.mp4", root.resolve("part0/a.mp4"), Label.REAL, List.of(),
            "train"),
        new LabelledVideo("part0/b.mp4", root.resolve("part0/b.mp4"), Label.FAKE,
            List.of("part0/a.mp4"), "train"),
        new LabelledVideo("part1/c.mp4", root.resolve("part1/c.mp4"), Label.REAL, List.of(),
            "test"));
  }

  @Test
  void dfdcErrorsNameTheFileAndTheVideo() throws IOException {
    touch("a.mp4");
    Files.writeString(root.resolve("metadata.json"), """
        {"a.mp4": {"label": "FAKED"}}""");
    assertThatThrownBy(() -> DatasetLayout.DFDC.read(root, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("metadata.json, video a.mp4: Label must be REAL, FAKE, 0 or 1:"
            + " 'FAKED'");

    Files.writeString(root.resolve("metadata.json"), """
        {"gone.mp4": {"label": "REAL"}}""");
    assertThatThrownBy(() -> DatasetLayout.DFDC.read(root, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("video gone.mp4: no such file in");
  }

  @Test
  void readsFaceForensicsWithEveryMethodTheChosenCompressionAndTheOfficialSplits()
      throws IOException {
    touch("original_sequences/youtube/c23/videos/000.mp4",
        "original_sequences/youtube/c23/videos/003.mp4",
        "original_sequences/youtube/c23/videos/010.mp4",
        "original_sequences/youtube/c40/videos/000.mp4",
        "manipulated_sequences/Deepfakes/c23/videos/000_003.mp4",
        "manipulated_sequences/Face2Face/c23/videos/003_000.mp4",
        "manipulated_sequences/FaceSwap/c23/videos/000_003.mp4",
        "manipulated_sequences/NeuralTextures/c23/videos/000_003.mp4",
        "manipulated_sequences/FaceShifter/c23/videos/000_010.mp4");
    Files.createDirectories(root.resolve("splits"));
    Files.writeString(root.resolve("splits/test.json"), "[[\"000\", \"003\"]]");
    Files.writeString(root.resolve("splits/train.json"), "[[\"010\", \"011\"]]");

    assertThat(DatasetLayout.detect(root)).isEqualTo(DatasetLayout.FACEFORENSICS);
    assertThatThrownBy(() -> DatasetLayout.FACEFORENSICS.read(root, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("holds the compressions [c23, c40]; name the one to read");

    List<LabelledVideo> videos = DatasetLayout.FACEFORENSICS.read(root, "c23");
    assertThat(videos).hasSize(8);
    assertThat(videos).filteredOn(v -> v.label() == Label.REAL).extracting(LabelledVideo::id)
        .containsExactly("original_sequences/youtube/c23/videos/000.mp4",
            "original_sequences/youtube/c23/videos/003.mp4",
            "original_sequences/youtube/c23/videos/010.mp4");
    LabelledVideo deepfake = videos.stream()
        .filter(v -> v.id().equals("manipulated_sequences/Deepfakes/c23/videos/000_003.mp4"))
        .findFirst().orElseThrow();
    assertThat(deepfake.label()).isEqualTo(Label.FAKE);
    assertThat(deepfake.sources()).containsExactly(
        "original_sequences/youtube/c23/videos/000.mp4",
        "original_sequences/youtube/c23/videos/003.mp4");
    assertThat(deepfake.split()).isEqualTo("test");
    // 000 is in the test pair and 010 in a training pair: the fake mixing them has no split.
    assertThat(videos).filteredOn(v -> v.id().contains("FaceShifter")).singleElement()
        .extracting(LabelledVideo::split).isNull();
    assertThat(videos).filteredOn(v -> v.id().endsWith("/010.mp4")).singleElement()
        .extracting(LabelledVideo::split).isEqualTo("train");
  }

  @Test
  void readsACsvWithPathsRelativeToItsFolder() throws IOException {
    touch("clips/x.mp4", "clips/y.mp4");
    Path csv = root.resolve("set.csv");
    Files.writeString(csv, """
        path,label,original,split
        clips/x.mp4,0,,train
        clips/y.mp4,FAKE,clips/x.mp4,
        """);

    assertThat(DatasetLayout.detect(csv)).isEqualTo(DatasetLayout.CSV);
    assertThat(DatasetLayout.CSV.read(csv, null)).containsExactly(
        new LabelledVideo("clips/x.mp4", root.resolve("clips/x.mp4"), Label.REAL, List.of(),
            "train"),
        new LabelledVideo("clips/y.mp4", root.resolve("clips/y.mp4"), Label.FAKE,
            List.of("clips/x.mp4"), null));

    Path minimal = root.resolve("minimal.csv");
    Files.writeString(minimal, "label,path\nreal,clips/x.mp4\n");
    assertThat(DatasetLayout.CSV.read(minimal, null)).singleElement()
        .extracting(LabelledVideo::label).isEqualTo(Label.REAL);
  }

  @Test
  void readsACsvWhosePathsHoldCommasQuotesAndAccents() throws IOException {
    String fake = "clips/group, \"Zoë\".mp4";
    String real = "clips/Zoë \"original\".mp4";
    touch(fake, real);
    Path csv = root.resolve("set.csv");
    CsvTable.write(csv, List.of("path", "label", "original"),
        List.of(List.of(fake, "FAKE", real), List.of(real, "REAL", "")));

    assertThat(DatasetLayout.CSV.read(csv, null)).containsExactly(
        new LabelledVideo(real, root.resolve(real), Label.REAL, List.of(), null),
        new LabelledVideo(fake, root.resolve(fake), Label.FAKE, List.of(real), null));
  }

  @Test
  void csvErrorsNameTheLine() throws IOException {
    touch("x.mp4");
    Path csv = root.resolve("bad.csv");
    Files.writeString(csv, "file,label\nx.mp4,REAL\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .hasMessageContaining("the header must name the columns path and label");
    Files.writeString(csv, "path,label\nx.mp4,REAL\nmissing.mp4,FAKE\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .hasMessageContaining("bad.csv line 3: no such file");
    Files.writeString(csv, "path,label\nx.mp4,REAL\nx.mp4,FAKE\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .hasMessageContaining("Video x.mp4 is listed twice");
    Files.writeString(csv, "path,label\n\nx.mp4,FAKED\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("bad.csv line 3: Label must be REAL, FAKE, 0 or 1: 'FAKED'");
    Files.writeString(csv, "path,label\nx.mp4\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .hasMessageContaining("bad.csv line 2: 1 cells, the header has 2");
    Files.writeString(csv, "path,label\nx.mp4,REAL\n\"x.mp4\"?,REAL\n");
    assertThatThrownBy(() -> DatasetLayout.CSV.read(csv, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("bad.csv line 3: Unexpected character ('?'");
  }

  @Test
  void detectionFailsWithAMessageForAnythingElse() {
    assertThatThrownBy(() -> DatasetLayout.detect(root))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("is neither a .csv file, nor a FaceForensics++ folder");
  }

  private void touch(String... paths) throws IOException {
    for (String path : paths) {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "video");
    }
  }
}
