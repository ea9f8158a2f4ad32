package dev.deepscreen.streams.cli;

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
import org.apache.avro.generic.GenericRecord;

/**
 * An Avro record as one line of JSON for people and scripts: unions bare, enums and UUIDs as
 * strings, timestamps as ISO-8601 instants, bytes as base64 (Avro's own JSON encoding wraps
 * union values in objects and writes timestamps as numbers).
 */
final class RecordJson {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private RecordJson() {}

  static String line(GenericRecord record) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      write(json, record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof GenericRecord record) {
      json.writeStartObject();
      for (Schema.Field field : record.getSchema().getFields()) {
        json.writeFieldName(field.name());
        write(json, record.get(field.pos()));
      }
      json.writeEndObject();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer i) {
      json.writeNumber(i);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      json.writeNumber(n.doubleValue());
    } else if (value instanceof ByteBuffer bytes) {
      ByteBuffer copy = bytes.duplicate();
      byte[] array = new byte[copy.remaining()];
      copy.get(array);
      json.writeString(Base64.getEncoder().encodeToString(array));
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
      // Strings, enum symbols (GenericEnumSymbol or generated enums), UUIDs, Instants, NaN.
      json.writeString(value instanceof GenericEnumSymbol<?> symbol ? symbol.toString()
          : value.toString());
    }
  }
}
