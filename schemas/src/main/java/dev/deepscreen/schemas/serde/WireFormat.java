package dev.deepscreen.schemas.serde;

/**
 * The Confluent wire format: one magic byte 0x00, the schema's registry id as a 4-byte big-endian
 * integer, then the record in Avro binary encoding.
 */
public final class WireFormat {
  /** The only format version defined. */
  public static final byte MAGIC_BYTE = 0x00;
  /** Bytes before the Avro payload: the magic byte and the id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the header for {@code schemaId} into the first five bytes of {@code target}. */
  public static void writeHeader(int schemaId, byte[] target) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }

  /**
   * The schema id of a wire-format record.
   *
   * @throws WireFormatException if the bytes are too short or do not start with the magic byte
   */
  public static int schemaId(String topic, byte[] record) {
    if (record.length < HEADER_SIZE) {
      throw new WireFormatException("Record of topic " + topic + " is " + record.length
          + " bytes long, shorter than the 5-byte Confluent wire-format header");
    }
    if (record[0] != MAGIC_BYTE) {
      throw new WireFormatException(String.format("Record of topic %s does not start with the"
          + " Confluent wire-format magic byte 0x00 but with 0x%02x: it was not written by an"
          + " Avro serializer of the Schema Registry", topic, record[0] & 0xff));
    }
    return ((record[1] & 0xff) << 24) | ((record[2] & 0xff) << 16) | ((record[3] & 0xff) << 8)
        | (record[4] & 0xff);
  }
}
