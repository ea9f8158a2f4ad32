package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.streams.app.DeadLetterHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Formats, filters and replay decisions of {@code deepscreen dead-letters}. */
class DeadLettersCommandTest {

  private static final Instant FAILED_AT = Instant.parse("2026-12-06T08:15:30.250Z");
  private static final String KEY = "0b7f5c2e-3a41-4d5e-9b0a-2f6c1d8e7a90";

  @Test
  void aRowShowsWhenWhereTheKeyAndTheErrorOnOneLine() {
    DeadLetter letter = letter(Stage.SCORE, "face-crops", KEY.getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2}, new IllegalStateException("Unknown magic byte\n  at offset 0"));
    assertThat(DeadLetterFormats.row(letter)).isEqualTo(String.format(
        "%-20s %-9s %-32s %-36s %s", "2026-12-06T08:15:30Z", "SCORE", "face-crops-2@41", KEY,
        "IllegalStateException: Unknown magic byte at offset 0"));
    assertThat(DeadLetterFormats.header()).startsWith("FAILED AT            STAGE     ORIGIN");
  }

  @Test
  void aRowSaysHowLongAKeyThatIsNotTextIsAndCutsLongErrors() {
    DeadLetter letter = letter(Stage.SINK, "verdicts", new byte[] {(byte) 0xc3, 0x28, 7}, null,
        new IllegalArgumentException("x".repeat(300)));
    String row = DeadLetterFormats.row(letter);
    assertThat(row).contains(" (3 bytes) ").endsWith("x...");
    assertThat(row.substring(row.indexOf("IllegalArgumentException"))).hasSize(100);
    DeadLetter keyless = letter(Stage.SINK, "verdicts", null, null, new RuntimeException("m"));
    assertThat(DeadLetterFormats.row(keyless)).contains(" verdicts-2@41 ").contains(" - ");
  }

  @Test
  void aJsonLineGivesKeysThatAreNotTextAsBase64AndOnlyTheValueSize() throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
    headers.add("binary", new byte[] {(byte) 0xff});
    DeadLetter letter = letter(Stage.AGGREGATE, "face-scores", new byte[] {(byte) 0xff, 0},
        new byte[] {1, 2, 3}, new IllegalStateException("bad"));
    JsonNode line = new ObjectMapper().readTree(DeadLetterFormats.jsonLine(read(letter, 7,
        headers)));
    assertThat(line.get("dead_letter").asText()).isEqualTo("dead-letters-0@7");
    assertThat(line.has("key")).isFalse();
    assertThat(line.get("key_base64").asText()).isEqualTo("/wA=");
    assertThat(line.get("value_bytes").asInt()).isEqualTo(3);
    assertThat(line.get("failed_at").asText()).isEqualTo("2026-12-06T08:15:30.250Z");
    assertThat(line.get("headers").get("trace-id").asText()).isEqualTo("abc");
    assertThat(line.get("headers").get("binary").asText()).isEqualTo("/w==");
    assertThat(line.get("event_id").isNull()).isTrue();
  }

  @Test
  void filtersSelectByStageTopicAndTime() {
    DeadLetter letter = letter(Stage.EXTRACT, "video-events", null, null,
        new RuntimeException("m"));
    assertThat(new DeadLetterFilter(Set.of(), Set.of(), null).test(letter)).isTrue();
    assertThat(new DeadLetterFilter(Set.of(Stage.SCORE, Stage.EXTRACT), Set.of(), null)
        .test(letter)).isTrue();
    assertThat(new DeadLetterFilter(Set.of(Stage.SCORE), Set.of(), null).test(letter))
        .isFalse();
    assertThat(new DeadLetterFilter(Set.of(), Set.of("face-crops"), null).test(letter))
        .isFalse();
    assertThat(new DeadLetterFilter(Set.of(), Set.of("video-events"), FAILED_AT).test(letter))
        .isTrue();
    assertThat(new DeadLetterFilter(Set.of(), Set.of(), FAILED_AT.plusMillis(1)).test(letter))
        .isFalse();
  }

  @Test
  void sinceTakesAnInstantOrATimeAgo() {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    assertThat(DeadLetterFilter.since("90s", now)).isEqualTo("2026-12-06T11:58:30Z");
    assertThat(DeadLetterFilter.since("30m", now)).isEqualTo("2026-12-06T11:30:00Z");
    assertThat(DeadLetterFilter.since("2h", now)).isEqualTo("2026-12-06T10:00:00Z");
    assertThat(DeadLetterFilter.since("7d", now)).isEqualTo("2026-11-29T12:00:00Z");
    assertThat(DeadLetterFilter.since("2026-12-01T00:00:00Z", now))
        .isEqualTo("2026-12-01T00:00:00Z");
    assertThatThrownBy(() -> DeadLetterFilter.since("2 hours", now))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--since takes an ISO-8601"
            + " instant such as 2026-12-06T08:00:00Z, or a time ago such as 90s, 30m, 2h or"
            + " 7d: 2 hours");
  }

  @Test
  void replayRefusesTopicsThePipelineDoesNotReadAndLettersWithoutAValue() {
    assertThat(DeadLetterReplay.INPUT_TOPICS).containsExactly("video-events", "face-crops",
        "extraction-summaries", "face-scores", "verdicts", "review-decisions");
    assertThat(DeadLetterReplay.refusal(letter(Stage.SCORE, "face-crops", null, new byte[0],
        new RuntimeException("m")))).isEmpty();
    assertThat(DeadLetterReplay.refusal(letter(Stage.SCORE, "face-crops-v2", null, new byte[1],
        new RuntimeException("m")))).contains("its original topic face-crops-v2 is not one the"
            + " pipeline reads (video-events, face-crops, extraction-summaries, face-scores,"
            + " verdicts, review-decisions)");
    assertThat(DeadLetterReplay.refusal(letter(Stage.EXTRACT, "video-events", null, null,
        new RuntimeException("m")))).isEqualTo(Optional.of("it holds no value to send (the"
            + " EXTRACT stage did not keep the original record's bytes)"));
  }

  @Test
  void replayRecordKeepsKeyValueAndHeadersAndNamesTheDeadLetter() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
    byte[] value = {0, 0, 0, 0, 3, 42};
    ProducerRecord<byte[], byte[]> record = DeadLetterReplay.record(read(letter(Stage.SCORE,
        "face-crops", KEY.getBytes(StandardCharsets.UTF_8), value, new RuntimeException("m")),
        12, headers));
    assertThat(record.topic()).isEqualTo("face-crops");
    assertThat(record.partition()).isNull();
    assertThat(record.key()).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThat(record.value()).isEqualTo(value);
    assertThat(record.headers().toArray()).extracting(h -> h.key() + "="
        + new String(h.value(), StandardCharsets.UTF_8))
        .containsExactly("trace-id=abc", "deepscreen.replayed.from=dead-letters-0@12");
  }

  private static DeadLetter letter(Stage stage, String topic, byte[] key, byte[] value,
      Exception error) {
    return DeadLetterHandler.deadLetter(stage, "deepscreen-" + stage, topic, 2, 41,
        FAILED_AT.toEpochMilli(), key, value, error, FAILED_AT);
  }

  private static ConsumerRecord<byte[], DeadLetter> read(DeadLetter letter, long offset,
      RecordHeaders headers) {
    return new ConsumerRecord<>("dead-letters", 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
        null, letter, headers, Optional.empty());
  }
}
