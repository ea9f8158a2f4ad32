package dev.deepscreen.connectors.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.avro.Schema;

/** An object format: how a batch of records of one writer schema becomes an object's bytes. */
public interface RecordFormat {

  /** The object key's extension, without the dot. */
  String extension();

  /**
   * Starts an object on {@code out} for records of {@code schema}. The writer closes
   * {@code out} when it is finished.
   */
  RecordWriter open(OutputStream out, Schema schema) throws IOException;
}
