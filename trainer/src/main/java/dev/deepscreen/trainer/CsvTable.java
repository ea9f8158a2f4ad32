package dev.deepscreen.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CSV files the trainer writes and reads (a run's log, the evaluation's scores, a data set's
 * list of videos): a header line, then rows of text cells, quoted wherever CSV needs it so that a
 * video named with a comma, a quote or a line break comes back whole. Cells are text because
 * each file keeps its own number formats; callers format their numbers.
 */
public final class CsvTable {
  private static final CsvMapper CSV = new CsvMapper();
  /**
   * Jackson's default check quotes any cell over 24 characters, most paths among them; the
   * strict one quotes a cell only when CSV needs it, so that plain files look as they did.
   */
  private static final ObjectWriter WRITER = CSV.writer(CsvSchema.emptySchema())
      .with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
  /**
   * Jackson's strict check misses a lone carriage return, which readers take for the end of a
   * row: a table holding one is written with every cell quoted.
   */
  private static final ObjectWriter QUOTING_EVERY_CELL =
      WRITER.with(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS);
  private static final ObjectReader READER = CSV.readerForListOf(String.class)
      .with(CsvParser.Feature.WRAP_AS_ARRAY);

  private CsvTable() {}

  /**
   * A row as read.
   *
   * @param line the 1-based line the row starts on (a quoted cell may span lines)
   * @param cells its cells, unquoted; an empty line is one empty cell
   */
  public record Row(int line, List<String> cells) {
    public Row {
      cells = List.copyOf(cells);
    }
  }

  /** Writes {@code header} and then {@code rows} to {@code file}, in UTF-8. */
  public static void write(Path file, List<String> header, List<? extends List<String>> rows)
      throws IOException {
    boolean carriageReturn = Stream.concat(Stream.of(header), rows.stream())
        .flatMap(List::stream).anyMatch(cell -> cell.indexOf('\r') >= 0);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        SequenceWriter csv = (carriageReturn ? QUOTING_EVERY_CELL : WRITER).writeValues(out)) {
      csv.write(header);
      csv.writeAll(rows);
    }
  }

  /**
   * Every row of {@code file}, the header first.
   *
   * @throws JsonProcessingException when the file is not CSV (an unclosed quote, text after a
   *     closing quote); its location gives the line
   * @throws IOException when it cannot be read
   */
  public static List<Row> read(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<List<String>> csv = READER.readValues(in)) {
      while (csv.hasNextValue()) {
        // Once the next row is found, the parser stands at its start.
        int line = csv.getCurrentLocation().getLineNr();
        rows.add(new Row(line, csv.nextValue()));
      }
    }
    return rows;
  }
}
