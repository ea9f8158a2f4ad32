package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.ReviewAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.serde.AvroJson;
import org.junit.jupiter.api.Test;

class VerdictFormatsTest {

  private final Verdict verdict = Verdict.newBuilder(SampleRecords.verdict())
      .setVideoId("uploads/2026/11/21/a-very-long-video-name.mp4").build();

  @Test
  void aRowHasEveryColumnUnderItsHeader() {
    String header = VerdictTable.header();
    String row = VerdictTable.row(verdict);
    assertThat(row).hasSameSizeAs(header);
    assertThat(header.split(" +")).containsExactly("VIDEO", "PROBABILITY", "LABEL", "ACTION",
        "STATUS", "FACES", "TIME", "FINAL");
    assertThat(row.substring(0, 28)).isEqualTo("...-very-long-video-name.mp4");
    assertThat(row.split(" +")).containsSequence(
        String.format(java.util.Locale.ROOT, "%.3f", verdict.getProbability()),
        verdict.getLabel().name(), verdict.getAction().name(), verdict.getStatus().name(),
        verdict.getFacesScored() + "/" + verdict.getFacesExpected());
  }

  @Test
  void theFinalActionIsTheReviewersDecisionWhenThereIsOne() {
    ReviewDecision decision = ReviewDecision.newBuilder(SampleRecords.reviewDecision())
        .setEventId(verdict.getEventId()).setDecision(ReviewAction.ALLOW).build();
    ReviewDecision otherEvent = ReviewDecision.newBuilder(decision)
        .setEventId(java.util.UUID.randomUUID()).build();

    assertThat(VerdictTable.row(verdict, decision)).hasSameSizeAs(VerdictTable.header())
        .endsWith("ALLOW   ");
    assertThat(VerdictTable.row(verdict)).endsWith(String.format(java.util.Locale.ROOT, "%-8s",
        verdict.getAction().name()));
    assertThat(VerdictTable.finalAction(verdict, otherEvent))
        .isEqualTo(verdict.getAction().name());
  }

  @Test
  void aJsonLineIsPlainJson() throws Exception {
    String line = AvroJson.line(verdict);
    assertThat(line).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("event_id").asText()).isEqualTo(verdict.getEventId().toString());
    assertThat(json.get("label").asText()).isEqualTo(verdict.getLabel().name());
    assertThat(json.get("decided_at").asText()).isEqualTo(verdict.getDecidedAt().toString());
    assertThat(json.get("probability").asDouble()).isEqualTo(verdict.getProbability());
    assertThat(json.get("timings").get("end_to_end_ms").asLong())
        .isEqualTo(verdict.getTimings().getEndToEndMs());
  }
}
