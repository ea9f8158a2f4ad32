package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionFileTest {

  @TempDir
  Path dir;

  @Test
  void namesAreQuotedOnlyWhereCsvNeedsIt() throws IOException {
    Path file = dir.resolve("submission.csv");
    SubmissionFile.write(file, List.of(
        new SubmissionFile.Row("aagfhgtpmv.mp4", 0.5),
        new SubmissionFile.Row("a rather long name (take 2) #1.mp4", 0.1234567),
        new SubmissionFile.Row("group, \"fünf\".mp4", 1)));

    assertThat(Files.readString(file)).isEqualTo("""
        filename,label
        aagfhgtpmv.mp4,0.500000
        a rather long name (take 2) #1.mp4,0.123457
        "group, ""fünf"".mp4",1.000000
        """);
    assertThat(read(file)).containsExactly(List.of("filename", "label"),
        List.of("aagfhgtpmv.mp4", "0.500000"),
        List.of("a rather long name (take 2) #1.mp4", "0.123457"),
        List.of("group, \"fünf\".mp4", "1.000000"));
  }

  @Test
  void aNameWithALoneCarriageReturnComesBackWhole() throws IOException {
    Path file = dir.resolve("submission.csv");
    SubmissionFile.write(file, List.of(new SubmissionFile.Row("odd\rname.mp4", 0.25),
        new SubmissionFile.Row("line\nbreak.mp4", 0.75)));

    assertThat(read(file)).containsExactly(List.of("filename", "label"),
        List.of("odd\rname.mp4", "0.250000"), List.of("line\nbreak.mp4", "0.750000"));
  }

  private static List<List<String>> read(Path file) throws IOException {
    try (MappingIterator<List<String>> rows = new CsvMapper().readerForListOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(file.toFile())) {
      return rows.readAll();
    }
  }
}
