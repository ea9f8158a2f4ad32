package dev.deepscreen.trainer.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.DecodeLimits;
import dev.deepscreen.core.media.DecodedVideo;
import dev.deepscreen.core.media.VideoDecoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

  /** Two photos (3 faces each), one of them the test split, one short clip per face. */
  static final SynthSettings TINY = new SynthSettings(11, List.of("sample1.jpg", "sample3.jpg"),
      List.of("sample3.jpg"), 1, 4, 10, 128, Codec.H264_MP4);

  @TempDir
  Path dir;

  @Test
  void writesTheDfdcLayoutWithOneSelfBlendedAndOneSwappedFakePerRealClip() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SyntheticDataset.Summary summary = new SyntheticDataset(TINY, new PrintStream(log))
        .write(dir.resolve("a"));

    assertThat(summary).isEqualTo(new SyntheticDataset.Summary(6, 6, 6, 9));
    JsonNode metadata = new ObjectMapper().readTree(dir.resolve("a/metadata.json").toFile());
    assertThat(metadata.size()).isEqualTo(18);
    List<String> names = new ArrayList<>();
    metadata.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("sample1-face0-clip0.mp4", "sample1-face0-clip0-sbi.mp4",
        "sample1-face0-clip0-swap.mp4", "sample3-face2-clip0-swap.mp4");
    JsonNode fake = metadata.get("sample3-face2-clip0-sbi.mp4");
    assertThat(fake.get("label").asText()).isEqualTo("FAKE");
    assertThat(fake.get("split").asText()).isEqualTo("test");
    assertThat(fake.get("original").asText()).isEqualTo("sample3-face2-clip0.mp4");
    JsonNode real = metadata.get("sample1-face1-clip0.mp4");
    assertThat(real.get("label").asText()).isEqualTo("REAL");
    assertThat(real.get("split").asText()).isEqualTo("train");
    assertThat(real.get("original").isNull()).isTrue();
    assertThat(log.toString()).contains("synth: 18/18 clips");

    VideoDecoder decoder = new VideoDecoder(DecodeLimits.DEFAULTS);
    for (String name : names) {
      int[] frames = {0};
      DecodedVideo video = decoder.sample(dir.resolve("a").resolve(name), 32,
          (i, t, bgr) -> frames[0]++);
      assertThat(video.width()).isEqualTo(128);
      assertThat(frames[0]).as(name).isEqualTo(4);
    }
  }

  @Test
  void theSameSeedWritesTheSameFilesAndAnotherSeedOthers() throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    SynthSettings small = new SynthSettings(3, List.of("sample1.jpg"), List.of(), 1, 3, 10, 96,
        Codec.MPEG4_AVI);
    new SyntheticDataset(small, quiet).write(dir.resolve("a"));
    new SyntheticDataset(small, quiet).write(dir.resolve("b"));
    new SyntheticDataset(new SynthSettings(4, List.of("sample1.jpg"), List.of(), 1, 3, 10, 96,
        Codec.MPEG4_AVI), quiet).write(dir.resolve("c"));

    assertThat(digests(dir.resolve("a"))).isEqualTo(digests(dir.resolve("b")));
    Map<String, String> other = digests(dir.resolve("c"));
    assertThat(other.keySet()).isEqualTo(digests(dir.resolve("a")).keySet());
    assertThat(other.get("sample1-face0-clip0-sbi.avi"))
        .isNotEqualTo(digests(dir.resolve("a")).get("sample1-face0-clip0-sbi.avi"));
  }

  @Test
  void refusesAFolderThatHoldsFiles() throws Exception {
    Files.writeString(dir.resolve("note.txt"), "x");
    assertThatThrownBy(() -> new SyntheticDataset(TINY, System.out).write(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
  }

  private static Map<String, String> digests(Path folder) throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        digests.put(file.getFileName().toString(), HexFormat.of().formatHex(hash));
      }
    }
    return digests;
  }
}
