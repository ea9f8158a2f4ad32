package dev.deepscreen.connectors.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro object container files: the writer schema in the header, then the records in Avro binary.
 * Any Avro reader (Spark, Athena, avro-tools) reads them without the schema registry.
 */
public final class AvroContainerFormat implements RecordFormat {

  @Override
  public String extension() {
    return "avro";
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema) throws IOException {
    DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
    writer.create(schema, out);
    return new RecordWriter() {
      @Override
      public void write(GenericRecord record) throws IOException {
        writer.append(record);
      }

      @Override
      public void finish() throws IOException {
        writer.close();
      }
    };
  }
}
