package dev.deepscreen.streams.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.deepscreen.avro.DeadLetter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Dead letters as rows of a fixed-width table (when the stage gave up, the stage, where the
 * record was, its key and the error) or as JSON lines with every field but the value, of which
 * only the size is given.
 */
final class DeadLetterFormats {

  private static final String FORMAT = "%-20s %-9s %-32s %-36s %s";
  private static final int ORIGIN_WIDTH = 32;
  private static final int KEY_WIDTH = 36;
  private static final int ERROR_WIDTH = 100;
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private DeadLetterFormats() {}

  static String header() {
    return String.format(Locale.ROOT, FORMAT, "FAILED AT", "STAGE", "ORIGIN", "KEY", "ERROR");
  }

  /** One dead letter as a table row. */
  static String row(DeadLetter letter) {
    String key = letter.getKey() == null ? "-"
        : text(letter.getKey()).orElse("(" + letter.getKey().remaining() + " bytes)");
    return String.format(Locale.ROOT, FORMAT,
        letter.getFailedAt().truncatedTo(ChronoUnit.SECONDS), letter.getStage(),
        fit(origin(letter), ORIGIN_WIDTH), fit(key, KEY_WIDTH), fit(error(letter), ERROR_WIDTH));
  }

  /**
   * One dead letter read at {@code record}'s coordinates as a JSON object on one line: where it
   * is ({@code dead_letter}), where the original record was, the key as text (or {@code
   * key_base64} when it is not UTF-8), the value's size, the error and the record's headers.
   */
  static String jsonLine(ConsumerRecord<?, DeadLetter> record) {
    DeadLetter letter = record.value();
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("dead_letter", coordinates(record));
      json.writeStringField("stage", letter.getStage().name());
      json.writeStringField("application_id", letter.getApplicationId());
      json.writeStringField("topic", letter.getTopic());
      json.writeNumberField("partition", letter.getPartition());
      json.writeNumberField("offset", letter.getOffset());
      json.writeStringField("record_timestamp", letter.getRecordTimestamp() == null ? null
          : letter.getRecordTimestamp().toString());
      Optional<String> key = letter.getKey() == null ? Optional.empty() : text(letter.getKey());
      if (letter.getKey() != null && key.isEmpty()) {
        json.writeStringField("key_base64", base64(letter.getKey()));
      } else {
        json.writeStringField("key", key.orElse(null));
      }
      json.writeStringField("event_id", letter.getEventId() == null ? null
          : letter.getEventId().toString());
      if (letter.getValue() == null) {
        json.writeNullField("value_bytes");
      } else {
        json.writeNumberField("value_bytes", letter.getValue().remaining());
      }
      json.writeStringField("error_class", letter.getErrorClass());
      json.writeStringField("error_message", letter.getErrorMessage());
      json.writeStringField("failed_at", letter.getFailedAt().toString());
      json.writeObjectFieldStart("headers");
      for (Header header : record.headers()) {
        json.writeStringField(header.key(), header.value() == null ? null
            : text(ByteBuffer.wrap(header.value())).orElse(base64(
                ByteBuffer.wrap(header.value()))));
      }
      json.writeEndObject();
      json.writeStringField("stack_trace", letter.getStackTrace());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Where a dead letter is: {@code dead-letters-0@12}. */
  static String coordinates(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  /** Where the original record was: {@code face-crops-1@17}. */
  static String origin(DeadLetter letter) {
    return letter.getTopic() + "-" + letter.getPartition() + "@" + letter.getOffset();
  }

  /** The error's class without its package, and its message. */
  static String error(DeadLetter letter) {
    String type = letter.getErrorClass();
    return type.substring(type.lastIndexOf('.') + 1) + ": " + letter.getErrorMessage()
        .replaceAll("\\s+", " ");
  }

  /** The bytes as UTF-8 text, when they are that. */
  static Optional<String> text(ByteBuffer bytes) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.duplicate());
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String base64(ByteBuffer bytes) {
    ByteBuffer copy = bytes.duplicate();
    byte[] array = new byte[copy.remaining()];
    copy.get(array);
    return Base64.getEncoder().encodeToString(array);
  }

  /** Long values keep their start and say they were cut. */
  private static String fit(String value, int width) {
    return value.length() <= width ? value : value.substring(0, width - 3) + "...";
  }
}
