package dev.deepscreen.connectors.s3.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.deepscreen.schemas.serde.AvroJson;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * One JSON object per line (JSON Lines), as query engines read it, each record written by {@link
 * AvroJson}: union values bare, bytes as base64, timestamp-millis as epoch milliseconds (the
 * sink's records are generic), NaN or infinite floats as strings.
 */
public final class JsonLinesFormat implements RecordFormat {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  @Override
  public String extension() {
    return "json";
  }

  @Override
  public RecordWriter open(OutputStream out, Schema schema) throws IOException {
    JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8);
    json.setRootValueSeparator(null);
    return new RecordWriter() {
      @Override
      public void write(GenericRecord record) throws IOException {
        AvroJson.write(json, record);
        json.writeRaw('\n');
      }

      @Override
      public void finish() throws IOException {
        json.close();
      }
    };
  }
}
