package dev.deepscreen.streams.review;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.DeadLetterHandler;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the review server cannot read go to the dead-letters topic (stage REVIEW), once per
 * record however often a page reads it again; the server skips them and goes on.
 */
final class DeadLetters {

  static final String APPLICATION_ID = "deepscreen-review";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final Producer<String, DeadLetter> producer;
  private final Set<String> sent = ConcurrentHashMap.newKeySet();

  DeadLetters(Producer<String, DeadLetter> producer) {
    this.producer = producer;
  }

  void send(ConsumerRecord<String, byte[]> record, Exception error) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    if (!sent.add(where)) {
      return;
    }
    LOG.warn("Skipping the unreadable record {}: {}", where, error.getMessage());
    byte[] key = record.key() == null ? null
        : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetterHandler.deadLetter(Stage.REVIEW, APPLICATION_ID,
        record.topic(), record.partition(), record.offset(), record.timestamp(), key,
        record.value(), error, Instant.now());
    producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), record.key(), letter),
        (metadata, failure) -> {
          if (failure != null) {
            sent.remove(where);
            LOG.error("Cannot write the dead letter for {}: {}", where, failure.getMessage());
          }
        });
  }
}
