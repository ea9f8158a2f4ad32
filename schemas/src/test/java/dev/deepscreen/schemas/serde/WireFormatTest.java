package dev.deepscreen.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The serializer's bytes against vectors written out by hand from the Confluent wire format
 * (magic byte, big-endian id) and the Avro binary encoding specification (zig-zag varints,
 * length-prefixed strings, union branch indexes, map blocks).
 */
class WireFormatTest {

  @Test
  void headerIsMagicByteThenBigEndianId() {
    byte[] bytes = new byte[7];
    WireFormat.writeHeader(0x01020304, bytes);
    assertThat(HexFormat.of().formatHex(bytes, 0, 5)).isEqualTo("0001020304");
    assertThat(WireFormat.schemaId("t", bytes)).isEqualTo(0x01020304);

    WireFormat.writeHeader(0x7fffff80, bytes);
    assertThat(HexFormat.of().formatHex(bytes, 0, 5)).isEqualTo("007fffff80");
    assertThat(WireFormat.schemaId("t", bytes)).isEqualTo(0x7fffff80);
  }

  @Test
  void videoEventBytesMatchTheHandEncodedVector() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerializer<VideoEvent> serializer = new AvroSerializer<>(registry, true, false);
    VideoEvent event = VideoEvent.newBuilder()
        .setEventId(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))
        .setVideoId("v1").setUri("file:///a.mp4").setSubmittedAt(Instant.ofEpochMilli(1000))
        .setSource(null).setTenant("t").setAttributes(Map.of("k", "v")).build();

    String expected = String.join("",
        "00", "00000001", // magic byte, schema id 1 (the first id of a fresh registry)
        "48", hex("123e4567-e89b-12d3-a456-426614174000"), // uuid string: length 36 -> zigzag 72
        "04", hex("v1"), // video_id: length 2 -> 4
        "1a", hex("file:///a.mp4"), // uri: length 13 -> 26
        "d00f", // submitted_at 1000 ms -> zigzag 2000 -> varint 0xd0 0x0f
        "00", // source: union branch 0 (null)
        "02", "02", hex("t"), // tenant: branch 1 (string), length 1
        "02", "02", hex("k"), "02", hex("v"), "00"); // map: one entry in a block, then end

    assertThat(HexFormat.of().formatHex(serializer.serialize("video-events", event)))
        .isEqualTo(expected);
  }

  @Test
  void shortOrForeignBytesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> WireFormat.schemaId("face-crops", new byte[] {0, 0, 1}))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("Record of topic face-crops is 3 bytes long, shorter than the 5-byte"
            + " Confluent wire-format header");
    assertThatThrownBy(() -> WireFormat.schemaId("face-crops", "{\"json\":1}".getBytes()))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("does not start with the Confluent wire-format magic byte 0x00 but"
            + " with 0x7b");
  }

  private static String hex(String ascii) {
    return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
