package dev.deepscreen.streams.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.streams.aggregate.AggregateConfig;
import dev.deepscreen.streams.aggregate.VerdictFactory;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline path on real clips made from the face photos and on broken files, with a real
 * TensorFlow session: one result per file, in order, with the stages' statuses.
 */
class BatchScreeningTest {

  @TempDir
  Path dir;

  @Test
  void everyVideoGetsOneVerdictWithTheStagesStatuses() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    Path group = SampleClips.panningClip(videos.resolve("group.mp4"), "sample5.jpg",
        Codec.H264_MP4, 480, 270, 30, 30, 0);
    Path trio = SampleClips.panningClip(videos.resolve("trio.avi"), "sample3.jpg",
        Codec.MPEG4_AVI, 480, 270, 30, 30, 0);
    Path empty = Files.createFile(videos.resolve("empty.mp4"));
    Path text = Files.writeString(videos.resolve("notes.mp4"), "not a video\n");
    Path ensembleDir = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensembleDir.resolve("m"), 64, 4f, 0.5f);
    TinyModels.writeManifest(ensembleDir, "batch-test", TinyModels.manifestEntry("m", "m", 64, 1));

    Map<String, Object> settings = Map.of("bootstrap.servers", "offline:0",
        "schema.registry.url", "mock://batch-test", ExtractConfig.FILE_ROOTS_CONFIG,
        videos.toString(), ExtractConfig.FRAMES_PER_VIDEO_CONFIG, "6",
        ExtractConfig.CROP_SIZE_CONFIG, "64");
    List<BatchScreening.Result> heard = Collections.synchronizedList(new ArrayList<>());
    List<BatchScreening.Result> results;
    try (Ensemble ensemble = Ensemble.load(ensembleDir)) {
      BatchScreening screening = new BatchScreening(new ExtractConfig(settings), 5, ensemble,
          VerdictFactory.of(new AggregateConfig(settings)), 2, Clock.systemUTC());
      results = screening.screen(List.of(group, empty, trio, text), heard::add);
    }

    assertThat(heard).hasSize(4);
    assertThat(results).extracting(BatchScreening.Result::video)
        .containsExactly(group, empty, trio, text);
    for (BatchScreening.Result clip : List.of(results.get(0), results.get(2))) {
      assertThat(clip.summary().getStatus()).isEqualTo(ExtractionStatus.OK);
      assertThat(clip.scores()).hasSize(clip.summary().getCropsEmitted()).isNotEmpty()
          .allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(ScoreStatus.OK));
      assertThat(clip.verdict().getStatus()).isEqualTo(VerdictStatus.OK);
      assertThat(clip.verdict().getFacesScored()).isEqualTo(clip.scores().size());
      assertThat(clip.verdict().getEnsembleVersion()).isEqualTo("batch-test");
      assertThat(clip.verdict().getProbability()).isBetween(0.0, 1.0);
    }
    assertThat(results.get(0).summary().getCropsEmitted()).as("several faces in six frames")
        .isGreaterThan(6);
    assertThat(results.get(1).verdict().getStatus()).isIn(VerdictStatus.UNREADABLE,
        VerdictStatus.REJECTED);
    assertThat(results.get(3).verdict().getStatus()).isIn(VerdictStatus.UNREADABLE,
        VerdictStatus.REJECTED);
    assertThat(results.get(1).verdict().getProbability()).isEqualTo(0.5);
    assertThat(results.get(0).verdict().getEventId())
        .as("an event id derived from the file, the same on every run")
        .isEqualTo(java.util.UUID.nameUUIDFromBytes(group.toAbsolutePath().normalize().toUri()
            .toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
