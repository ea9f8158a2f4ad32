package dev.deepscreen.connectors.s3.partitioner;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One folder per value of a top-level field: {@code <field>=<value>}. The value is URL-encoded
 * so that a '/' or a space in it cannot add folders or break the key.
 */
public final class FieldPartitioner implements Partitioner {

  private final String field;

  public FieldPartitioner(String field) {
    this.field = field;
  }

  @Override
  public String partitionPath(SinkRecord record, GenericRecord value) {
    Schema.Field schemaField = value.getSchema().getField(field);
    if (schemaField == null) {
      throw new DataException("Record " + value.getSchema().getFullName() + " has no field "
          + field + " to partition by");
    }
    Object fieldValue = value.get(schemaField.pos());
    if (fieldValue == null) {
      throw new DataException("Field " + field + " is null; it cannot name a folder");
    }
    return field + "=" + URLEncoder.encode(fieldValue.toString(), StandardCharsets.UTF_8);
  }
}
