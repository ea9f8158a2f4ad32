package dev.deepscreen.connectors.s3.format;

import java.io.IOException;
import org.apache.avro.generic.GenericRecord;

/** Writes the records of one object. Not thread-safe. */
public interface RecordWriter {

  void write(GenericRecord record) throws IOException;

  /** Writes whatever is buffered and the format's trailer, then closes the stream. */
  void finish() throws IOException;
}
