package dev.deepscreen.schemas.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro values as plain JSON, for people, scripts and query engines. Unlike Avro's own JSON
 * encoding, union values are written bare (not wrapped in {"type": value}), bytes and fixed as
 * base64 strings, NaN or infinite floats as strings, and logical types as the record holds them:
 * a generic record's timestamp-millis as epoch milliseconds, a specific record's as an ISO-8601
 * instant; uuids as their string.
 */
public final class AvroJson {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private AvroJson() {}

  /** {@code record} as one line of JSON. */
  public static String line(GenericRecord record) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      write(json, record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Writes an Avro value (generic or specific) as JSON. */
  public static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof GenericRecord record) {
      json.writeStartObject();
      for (Schema.Field field : record.getSchema().getFields()) {
        json.writeFieldName(field.name());
        write(json, record.get(field.pos()));
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
        write(json, item);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(entry.getKey().toString());
        write(json, entry.getValue());
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
