package dev.deepscreen.streams.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The reference solution's submission file, {@code submission.csv}: a {@code filename,label}
 * header, then a row per video with its file name and its probability of being fake, with six
 * decimals. A name is quoted only when CSV needs it (a comma, a quote, a line break).
 */
final class SubmissionFile {
  /**
   * Jackson's default check quotes any name over 24 characters; the strict one quotes only what
   * CSV needs, so that plain names stay as they were.
   */
  private static final ObjectWriter WRITER = new CsvMapper()
      .writer(CsvSchema.builder().addColumn("filename").addColumn("label").build().withHeader())
      .with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
  /**
   * Jackson's strict check misses a lone carriage return, which readers take for the end of a
   * row: a file naming such a video has every cell quoted.
   */
  private static final ObjectWriter QUOTING_EVERY_CELL =
      WRITER.with(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS);

  /** A video's file name and its probability of being fake. */
  record Row(String filename, double probability) {}

  private SubmissionFile() {}

  static void write(Path file, List<Row> rows) throws IOException {
    List<List<String>> cells = rows.stream().map(r -> List.of(r.filename(),
        String.format(Locale.ROOT, "%.6f", r.probability()))).toList();
    boolean carriageReturn = rows.stream().anyMatch(r -> r.filename().indexOf('\r') >= 0);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        SequenceWriter csv = (carriageReturn ? QUOTING_EVERY_CELL : WRITER).writeValues(out)) {
      csv.writeAll(cells);
    }
  }
}
