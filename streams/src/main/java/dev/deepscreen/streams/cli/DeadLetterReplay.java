package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What replaying a dead letter sends: the original record's key and value bytes, unchanged, to
 * its original topic, with the headers the dead letter carries (the original record's, as the
 * stages copy them) and {@link #HEADER} naming the dead letter, so that the replayed record and
 * anything it leads to (a new dead letter included) can be traced back to it.
 */
final class DeadLetterReplay {

  /** The header a replayed record gets: the dead letter's coordinates, {@code dead-letters-0@12}. */
  static final String HEADER = "deepscreen.replayed.from";

  /** The topics a stage reads: every topic of the pipeline but the dead letters'. */
  static final List<String> INPUT_TOPICS = Topics.all().stream()
      .filter(topic -> topic != Topics.DEAD_LETTERS).map(TopicDefinition::name).toList();

  private DeadLetterReplay() {}

  /** Why the dead letter cannot be replayed, or empty when it can. */
  static Optional<String> refusal(DeadLetter letter) {
    if (!INPUT_TOPICS.contains(letter.getTopic())) {
      return Optional.of("its original topic " + letter.getTopic() + " is not one the pipeline"
          + " reads (" + String.join(", ", INPUT_TOPICS) + ")");
    }
    if (letter.getValue() == null) {
      return Optional.of("it holds no value to send (the " + letter.getStage() + " stage did"
          + " not keep the original record's bytes)");
    }
    return Optional.empty();
  }

  /**
   * The record that replays the dead letter read as {@code record}, partitioned by its key as
   * the pipeline's producers do, stamped with the time it is sent.
   */
  static ProducerRecord<byte[], byte[]> record(ConsumerRecord<?, DeadLetter> record) {
    DeadLetter letter = record.value();
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(HEADER, DeadLetterFormats.coordinates(record).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(letter.getTopic(), null, null, bytes(letter.getKey()),
        bytes(letter.getValue()), headers);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
