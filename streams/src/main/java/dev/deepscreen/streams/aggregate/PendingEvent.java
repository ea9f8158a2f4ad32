package dev.deepscreen.streams.aggregate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the aggregation remembers of an event still waiting for its verdict, besides the summary
 * and the scores themselves. Times are kept on both clocks, so that stream-time and wall-clock
 * punctuation each judge timeouts by their own clock.
 *
 * @param firstSeenStreamMs stream time when the event's first record came
 * @param firstSeenWallMs wall-clock time when the event's first record came
 * @param summaryStreamMs stream time when the summary came, or -1
 * @param summaryWallMs wall-clock time when the summary came, or -1
 * @param scores distinct face scores received
 * @param firstTopic topic of the event's first record, for a dead letter if it is abandoned
 * @param firstPartition its partition
 * @param firstOffset its offset
 * @param firstTimestamp its timestamp
 */
record PendingEvent(long firstSeenStreamMs, long firstSeenWallMs, long summaryStreamMs,
    long summaryWallMs, int scores, String firstTopic, int firstPartition, long firstOffset,
    long firstTimestamp) {

  private static final byte FORMAT_VERSION = 1;

  static PendingEvent firstSeen(long streamMs, long wallMs, String topic, int partition,
      long offset, long timestamp) {
    return new PendingEvent(streamMs, wallMs, -1, -1, 0, topic, partition, offset, timestamp);
  }

  boolean hasSummary() {
    return summaryWallMs >= 0;
  }

  PendingEvent withSummary(long streamMs, long wallMs) {
    return new PendingEvent(firstSeenStreamMs, firstSeenWallMs, streamMs, wallMs, scores,
        firstTopic, firstPartition, firstOffset, firstTimestamp);
  }

  PendingEvent withOneMoreScore() {
    return new PendingEvent(firstSeenStreamMs, firstSeenWallMs, summaryStreamMs, summaryWallMs,
        scores + 1, firstTopic, firstPartition, firstOffset, firstTimestamp);
  }

  /**
   * A versioned binary serde: the store's changelog outlives a deployment, so the first byte
   * says which layout follows.
   */
  static Serde<PendingEvent> serde() {
    Serializer<PendingEvent> serializer = (topic, event) -> {
      if (event == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(event.firstSeenStreamMs);
        out.writeLong(event.firstSeenWallMs);
        out.writeLong(event.summaryStreamMs);
        out.writeLong(event.summaryWallMs);
        out.writeInt(event.scores);
        out.writeUTF(event.firstTopic);
        out.writeInt(event.firstPartition);
        out.writeLong(event.firstOffset);
        out.writeLong(event.firstTimestamp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    };
    Deserializer<PendingEvent> deserializer = (topic, data) -> {
      if (data == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
          throw new SerializationException("unknown pending-event format " + version);
        }
        return new PendingEvent(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
            in.readInt(), in.readUTF(), in.readInt(), in.readLong(), in.readLong());
      } catch (IOException e) {
        throw new SerializationException("corrupt pending event in " + topic, e);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
