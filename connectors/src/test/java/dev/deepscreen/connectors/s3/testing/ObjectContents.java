package dev.deepscreen.connectors.s3.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Reads objects the sink wrote. */
public final class ObjectContents {
  private ObjectContents() {}

  public static List<GenericRecord> avro(byte[] bytes) {
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader = new DataFileReader<>(
        new SeekableByteArrayInput(bytes), new GenericDatumReader<>())) {
      reader.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  public static <T extends SpecificRecord> List<T> avro(byte[] bytes, Class<T> type) {
    List<T> records = new ArrayList<>();
    try (DataFileReader<T> reader = new DataFileReader<>(new SeekableByteArrayInput(bytes),
        new SpecificDatumReader<>(type))) {
      reader.forEach(records::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }
}
