package dev.deepscreen.streams.aggregate;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The marker of an event that has its verdict, kept for the decided-retention so that a
 * re-submitted event or a late score does not give a second verdict.
 *
 * @param decidedStreamMs stream time of the decision
 * @param decidedWallMs wall-clock time of the decision
 */
record DecidedEvent(long decidedStreamMs, long decidedWallMs) {

  private static final byte FORMAT_VERSION = 1;
  private static final int SIZE = 1 + 2 * Long.BYTES;

  static Serde<DecidedEvent> serde() {
    return Serdes.serdeFrom((topic, marker) -> marker == null ? null
        : ByteBuffer.allocate(SIZE).put(FORMAT_VERSION).putLong(marker.decidedStreamMs)
            .putLong(marker.decidedWallMs).array(),
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length != SIZE || data[0] != FORMAT_VERSION) {
            throw new SerializationException("unknown decided-event format in " + topic);
          }
          ByteBuffer buffer = ByteBuffer.wrap(data, 1, SIZE - 1);
          return new DecidedEvent(buffer.getLong(), buffer.getLong());
        });
  }
}
