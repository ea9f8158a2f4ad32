package dev.deepscreen.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

  private static final String AWKWARD = "clips/group, \"Zoë\" #2.mp4";

  @TempDir
  Path dir;

  @Test
  void aNameWithACommaAQuoteAndAnAccentComesBackWhole() throws Exception {
    Path file = dir.resolve("t.csv");
    CsvTable.write(file, List.of("video", "probability"),
        List.of(List.of(AWKWARD, "0.250000"), List.of("line\nbreak.mp4", "1.000000"),
            List.of("plain.mp4", "")));

    assertThat(CsvTable.read(file)).containsExactly(
        new CsvTable.Row(1, List.of("video", "probability")),
        new CsvTable.Row(2, List.of(AWKWARD, "0.250000")),
        new CsvTable.Row(3, List.of("line\nbreak.mp4", "1.000000")),
        new CsvTable.Row(5, List.of("plain.mp4", "")));
  }

  @Test
  void onlyCellsThatNeedItAreQuoted() throws Exception {
    Path file = dir.resolve("t.csv");
    CsvTable.write(file, List.of("video", "label", "track", "mean"),
        List.of(List.of("manipulated_sequences/Deepfakes/c23/videos/000_003.mp4", "REAL", "",
                "0.350000"),
            List.of("#1 (b), c.mp4", "FAKE", "3", "-0.5")));

    assertThat(Files.readString(file)).isEqualTo("""
        video,label,track,mean
        manipulated_sequences/Deepfakes/c23/videos/000_003.mp4,REAL,,0.350000
        "#1 (b), c.mp4",FAKE,3,-0.5
        """);
  }

  @Test
  void aLoneCarriageReturnIsQuotedToo() throws Exception {
    Path file = dir.resolve("t.csv");
    CsvTable.write(file, List.of("video", "probability"),
        List.of(List.of("odd\rname.mp4", "0.5"), List.of("plain.mp4", "1")));

    assertThat(CsvTable.read(file)).extracting(CsvTable.Row::cells).containsExactly(
        List.of("video", "probability"), List.of("odd\rname.mp4", "0.5"),
        List.of("plain.mp4", "1"));
  }

  @Test
  void rowsKeepTheirLineAndMalformedCsvSaysWhere() throws Exception {
    Path file = dir.resolve("t.csv");
    Files.writeString(file, "a,b\n\n1,2\n");
    assertThat(CsvTable.read(file)).containsExactly(new CsvTable.Row(1, List.of("a", "b")),
        new CsvTable.Row(2, List.of("")), new CsvTable.Row(3, List.of("1", "2")));

    Files.writeString(file, "a,b\n\"x\"y,2\n");
    assertThatThrownBy(() -> CsvTable.read(file)).isInstanceOf(JsonProcessingException.class)
        .satisfies(e -> assertThat(((JsonProcessingException) e).getLocation().getLineNr())
            .isEqualTo(2));
  }
}
