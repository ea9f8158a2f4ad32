package dev.deepscreen.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.trainer.cli.TrainerCliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions, as the review-decisions S3 sink writes them (JSON Lines: uuids and enum symbols as
 * strings, timestamps as epoch milliseconds, null note bare), into a data set that the CSV
 * layout reads, on real clips.
 */
class ReviewLabelsTest {

  @TempDir
  static Path dir;
  static Path uploads;
  static Path synced;

  @BeforeAll
  static void clips() throws Exception {
    uploads = Files.createDirectories(dir.resolve("uploads"));
    synced = Files.createDirectories(dir.resolve("bucket"));
    SampleClips.panningClip(uploads.resolve("a.mp4"), "sample1.jpg", Codec.H264_MP4, 160, 120,
        8, 8, 0);
    SampleClips.panningClip(uploads.resolve("b.mp4"), "sample2.jpg", Codec.H264_MP4, 160, 120,
        8, 8, 0);
    Files.createDirectories(synced.resolve("in"));
    SampleClips.panningClip(synced.resolve("in/c d.mp4"), "sample3.jpg", Codec.H264_MP4, 160,
        120, 8, 8, 0);
  }

  private static String line(String event, String video, String uri, String decision,
      long decidedAt) {
    return "{\"decision_id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"event_id\":\"" + event
        + "\",\"video_id\":\"" + video + "\",\"uri\":\"" + uri + "\",\"decision\":\"" + decision
        + "\",\"note\":null,\"reviewer\":\"ada\",\"decided_at\":" + decidedAt
        + ",\"verdict_action\":\"REVIEW\",\"verdict_probability\":0.6,"
        + "\"verdict_decided_at\":1700000000000,\"ensemble_version\":null}";
  }

  @Test
  void blockIsFakeAllowIsRealEscalateIsLeftOutAndTheLatestDecisionWins() throws IOException {
    Path decisions = Files.createDirectories(dir.resolve("decisions/2026/11/20"));
    String e1 = "11111111-1111-4111-8111-111111111111";
    String e2 = "22222222-2222-4222-8222-222222222222";
    String e3 = "33333333-3333-4333-8333-333333333333";
    String e4 = "44444444-4444-4444-8444-444444444444";
    Files.write(decisions.resolve("review-decisions+0+0000000000.json"), List.of(
        line(e1, "a", uploads.resolve("a.mp4").toUri().toString(), "ALLOW", 1000),
        line(e2, "b", uploads.resolve("b.mp4").toUri().toString(), "BLOCK", 1000),
        line(e3, "c", "s3://uploads/in/c%20d.mp4", "ESCALATE", 1000),
        "not json at all",
        line(e4, "x", "https://cdn.example/x.mp4", "BLOCK", 1000)));
    // Later objects: e1 decided again (BLOCK wins), e3 decided at last, an older e2 ignored.
    Files.write(decisions.resolve("review-decisions+1+0000000000.json"), List.of(
        line(e1, "a", uploads.resolve("a.mp4").toUri().toString(), "BLOCK", 2000),
        line(e3, "c", "s3://uploads/in/c%20d.mp4", "ALLOW", 3000),
        line(e2, "b", uploads.resolve("b.mp4").toUri().toString(), "ALLOW", 500)));
    Path csv = dir.resolve("labels/labels.csv");

    ReviewLabels.Summary summary = new ReviewLabels(Map.of("s3://uploads/", synced))
        .export(List.of(dir.resolve("decisions")), csv);

    assertThat(summary.decisions()).isEqualTo(7);
    assertThat(summary.fake()).isEqualTo(2);
    assertThat(summary.real()).isEqualTo(1);
    assertThat(summary.escalated()).isZero();
    assertThat(summary.skipped()).isEqualTo(1);
    assertThat(summary.problems()).anyMatch(p -> p.contains("line 4: not JSON"))
        .anyMatch(p -> p.contains("event " + e4 + ": no local file for"
            + " https://cdn.example/x.mp4 (map its prefix with --map)"));
    List<LabelledVideo> videos = DatasetLayout.detect(csv).read(csv, null);
    assertThat(videos).extracting(v -> v.path().getFileName().toString(), LabelledVideo::label)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a.mp4", Label.FAKE),
            org.assertj.core.groups.Tuple.tuple("b.mp4", Label.FAKE),
            org.assertj.core.groups.Tuple.tuple("c d.mp4", Label.REAL));
  }

  @Test
  void escalationsAloneGiveNoDataSetAndSaySo() throws IOException {
    Path file = dir.resolve("escalated.jsonl");
    Files.write(file, List.of(line("55555555-5555-4555-8555-555555555555", "a",
        uploads.resolve("a.mp4").toUri().toString(), "ESCALATE", 1)));

    assertThatThrownBy(() -> new ReviewLabels(Map.of()).export(List.of(file),
        dir.resolve("none.csv"))).isInstanceOf(DatasetFormatException.class)
        .hasMessage("No labels: 1 decisions read, 1 escalated, 0 without a readable video");
  }

  @Test
  void aPrefixCannotLeadOutOfItsFolder() {
    ReviewLabels labels = new ReviewLabels(Map.of("s3://uploads/", synced));
    assertThat(labels.localFile("s3://uploads/../../etc/passwd")).isNull();
    assertThat(labels.localFile("s3://uploads/in/c%20d.mp4"))
        .isEqualTo(synced.resolve("in/c d.mp4").toAbsolutePath());
    assertThat(labels.localFile("s3://other/x.mp4")).isNull();
  }

  @Test
  void theCommandWritesTheDataSetPreprocessReads() throws IOException {
    Path file = dir.resolve("cli.jsonl");
    Files.write(file, List.of(
        line("66666666-6666-4666-8666-666666666666", "a",
            uploads.resolve("a.mp4").toUri().toString(), "BLOCK", 1),
        line("77777777-7777-4777-8777-777777777777", "b",
            uploads.resolve("b.mp4").toUri().toString(), "ALLOW", 1)));
    Path csv = dir.resolve("cli/labels.csv");

    TrainerCliRunner.Result run = TrainerCliRunner.run("labels", "--decisions",
        file.toString(), "--out", csv.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("2 labels (1 FAKE, 1 REAL) from 2 decisions; 0 escalated,"
        + " 0 without a readable video; wrote " + csv);
    Path cache = dir.resolve("cache");
    TrainerCliRunner.Result preprocess = TrainerCliRunner.run("preprocess", "--dataset",
        csv.toString(), "--cache", cache.toString(), "--frames", "2", "--crop-size", "64");
    assertThat(preprocess.exitCode()).as(preprocess.err()).isZero();
    assertThat(preprocess.out()).contains("CSV data set, 2 videos (1 fake)");
  }
}
