package dev.deepscreen.connectors.s3.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * One JSON object per line (JSON Lines), as query engines read it. Unlike Avro's own JSON
 * encoding, union values are written bare (not wrapped in {"type": value}), bytes and fixed
 * as base64 strings, logical types as their underlying value (timestamp-millis as epoch
 * milliseconds, uuid as its string), and NaN or infinite floats as strings.
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
        writeValue(json, record);
        json.writeRaw('\n');
      }

      @Override
      public void finish() throws IOException {
        json.close();
      }
    };
  }

  /** Writes an Avro generic value as JSON. */
  static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof GenericRecord record) {
      json.writeStartObject();
      for (Schema.Field field : record.getSchema().getFields()) {
        json.writeFieldName(field.name());
        writeValue(json, record.get(field.pos()));
      }
      json.writeEndObject();
    } else if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?>) {
      json.writeString(value.toString());
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer i) {
      json.writeNumber(i);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Float f) {
      if (f.isNaN() || f.isInfinite()) {
        json.writeString(f.toString());
      } else {
        json.writeNumber(f.floatValue());
      }
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        json.writeString(d.toString());
      } else {
        json.writeNumber(d.doubleValue());
      }
    } else if (value instanceof ByteBuffer bytes) {
      json.writeString(Base64.getEncoder().encodeToString(toArray(bytes)));
    } else if (value instanceof GenericFixed fixed) {
      json.writeString(Base64.getEncoder().encodeToString(fixed.bytes()));
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        writeValue(json, item);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(entry.getKey().toString());
        writeValue(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      json.writeString(value.toString());
    }
  }

  private static byte[] toArray(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
