package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deepscreen batch} on a folder of real clips made from the face photos and a file that is
 * no video, with the built-in ensemble: the submission file and the verdicts it writes.
 */
class BatchCommandTest {

  @TempDir
  Path dir;

  @Test
  void aFolderBecomesASubmissionFileAndOneVerdictPerFile() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    // A comma, quotes and a non-ASCII letter: the name must come back whole from the CSV.
    String groupName = "group, \"fünf\".mp4";
    SampleClips.panningClip(videos.resolve(groupName), "sample5.jpg", Codec.H264_MP4,
        480, 270, 30, 30, 0);
    SampleClips.panningClip(videos.resolve("trio.avi"), "sample3.jpg", Codec.MPEG4_AVI, 480,
        270, 30, 30, 0);
    Files.writeString(videos.resolve("notes.mp4"), "not a video\n");
    Files.writeString(videos.resolve(".hidden"), "skipped\n");
    Path out = dir.resolve("results");

    CliRun run = CliRun.run(Map.of("DEEPSCREEN_EXTRACT_FRAMES_PER_VIDEO", "6"), "batch",
        videos.toString(), "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(StageRunner.EXIT_OK);
    List<String> submission = Files.readAllLines(out.resolve("submission.csv"));
    assertThat(submission).hasSize(4);
    assertThat(submission.get(0)).isEqualTo("filename,label");
    assertThat(submission.get(1)).startsWith("\"group, \"\"fünf\"\".mp4\",0.");
    assertThat(submission.get(2)).isEqualTo("notes.mp4,0.500000");
    assertThat(submission.get(3)).startsWith("trio.avi,0.");
    try (MappingIterator<List<String>> rows = new CsvMapper().readerForListOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(out.resolve("submission.csv").toFile())) {
      assertThat(rows.readAll()).extracting(row -> row.get(0))
          .containsExactly("filename", groupName, "notes.mp4", "trio.avi");
    }
    List<String> verdicts = Files.readAllLines(out.resolve("verdicts.jsonl"));
    assertThat(verdicts).hasSize(3);
    assertThat(verdicts.get(0)).contains("\"status\":\"OK\"");
    assertThat(verdicts.get(1)).containsAnyOf("\"status\":\"UNREADABLE\"",
        "\"status\":\"REJECTED\"");
    assertThat(run.out()).contains("3 verdicts {").contains("OK=2");
  }

  @Test
  void aMissingFolderIsReported() {
    CliRun run = CliRun.run(Map.of(), "batch", dir.resolve("missing").toString());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_NO_INPUT);
    assertThat(run.err()).contains("No folder");
  }
}
