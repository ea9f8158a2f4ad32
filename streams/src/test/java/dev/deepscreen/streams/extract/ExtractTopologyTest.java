package dev.deepscreen.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.streams.app.PipelineMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extraction topology on real video files made from real face photos, and on the hostile
 * inputs of the extraction stage's list, in TopologyTestDriver with the in-memory registry.
 */
class ExtractTopologyTest {

  @TempDir
  static Path videos;
  private static Path groupClip;
  private static Path mkvClip;

  private ExtractDriver driver;
  private TestOutputTopic<String, FaceCrop> crops;
  private TestOutputTopic<String, ExtractionSummary> summaries;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeAll
  static void makeVideos() throws Exception {
    groupClip = SampleClips.panningClip(videos.resolve("group.mp4"), "sample5.jpg",
        Codec.H264_MP4, 640, 360, 60, 30, 0);
    mkvClip = SampleClips.panningClip(videos.resolve("trio.mkv"), "sample3.jpg", Codec.MPEG4_MKV,
        480, 270, 45, 30, 0);
  }

  @BeforeEach
  void start() {
    start(Map.of());
  }

  private void start(Map<String, String> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ExtractConfig.FILE_ROOTS_CONFIG, videos.toString());
    settings.put(ExtractConfig.FRAMES_PER_VIDEO_CONFIG, "8");
    settings.put(ExtractConfig.CROP_SIZE_CONFIG, "224");
    settings.putAll(overrides);
    driver = new ExtractDriver(settings);
    crops = driver.crops;
    summaries = driver.summaries;
    deadLetters = driver.deadLetters;
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private VideoEvent submit(String uri) {
    return driver.submit(uri);
  }

  @Test
  void aVideoWithFacesGivesItsCropsThenOneSummaryCountingThem() {
    VideoEvent event = submit(groupClip.toUri().toString());

    List<TestRecord<String, FaceCrop>> out = crops.readRecordsToList();
    ExtractionSummary summary = summaries.readValue();

    assertThat(summary.getStatus()).isEqualTo(ExtractionStatus.OK);
    assertThat(summary.getReason()).isNull();
    assertThat(summary.getFramesSampled()).isEqualTo(8);
    assertThat(summary.getCropsEmitted()).isEqualTo(out.size()).isGreaterThanOrEqualTo(8 * 4);
    assertThat(summary.getTenant()).isEqualTo("t1");
    assertThat(summary.getAttributes()).containsEntry("k", "v");
    assertThat(summary.getDecode().getVideoCodec()).isEqualTo("h264");
    assertThat(summary.getDecode().getWidth()).isEqualTo(640);
    assertThat(out).allSatisfy(r -> {
      assertThat(r.key()).isEqualTo(event.getEventId().toString());
      assertThat(r.value().getCropWidth()).isEqualTo(224);
      assertThat(r.value().getTrackId()).isNotNull();
    });
    assertThat(out.stream().map(r -> r.value().getFrameIndex()).distinct()).hasSize(8);
    // The wall clock times the work: at least the decoding and detection it measured itself
    // (each rounded down to the millisecond).
    long took = summary.getFinishedAt().toEpochMilli() - summary.getStartedAt().toEpochMilli();
    assertThat(took).isGreaterThanOrEqualTo(
        summary.getDecode().getDecodeMs() + summary.getDecode().getDetectMs() - 2).isPositive();
    assertThat(out).allSatisfy(r -> assertThat(r.value().getExtractedAt())
        .isBetween(summary.getStartedAt(), summary.getFinishedAt()));
    assertThat(summaries.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();

    assertThat(videos("OK")).isEqualTo(1);
    assertThat(driver.meters.get(PipelineMetric.FACE_CROPS.meterName()).counter().count())
        .isEqualTo(out.size());
    assertThat(driver.meters.get(PipelineMetric.EXTRACT_SECONDS.meterName()).timer().count())
        .isEqualTo(1);
  }

  @Test
  void everyBadInputGetsOneSummaryWithItsStatusAndADeadLetterAndTheStreamGoesOn()
      throws Exception {
    Path empty = Files.createFile(videos.resolve("empty.mp4"));
    Path text = Files.writeString(videos.resolve("text.mp4"), "hello ".repeat(200));
    byte[] full = Files.readAllBytes(groupClip);
    Path truncated = Files.write(videos.resolve("truncated.mp4"),
        java.util.Arrays.copyOf(full, 300));
    Path playlist = Files.writeString(videos.resolve("list.mp4"),
        "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
    Path script = Files.writeString(videos.resolve("script.mkv"),
        "ffconcat version 1.0\nfile '/etc/passwd'\n");
    Map<String, ExtractionStatus> expected = new java.util.LinkedHashMap<>();
    expected.put(empty.toUri().toString(), ExtractionStatus.UNREADABLE);
    expected.put(text.toUri().toString(), ExtractionStatus.UNREADABLE);
    expected.put(truncated.toUri().toString(), ExtractionStatus.UNREADABLE);
    expected.put(playlist.toUri().toString(), ExtractionStatus.REJECTED);
    expected.put(script.toUri().toString(), ExtractionStatus.REJECTED);
    expected.put("file:///etc/passwd", ExtractionStatus.REJECTED);
    expected.put("ftp://example.com/a.mp4", ExtractionStatus.REJECTED);
    expected.put("http://127.0.0.1:1/a.mp4", ExtractionStatus.REJECTED);

    for (Map.Entry<String, ExtractionStatus> input : expected.entrySet()) {
      VideoEvent event = submit(input.getKey());
      ExtractionSummary summary = summaries.readValue();
      assertThat(summary.getStatus()).as(input.getKey()).isEqualTo(input.getValue());
      assertThat(summary.getReason()).as(input.getKey()).isNotBlank();
      assertThat(summary.getCropsEmitted()).isZero();
      DeadLetter letter = deadLetters.readValue();
      assertThat(letter.getStage()).isEqualTo(Stage.EXTRACT);
      assertThat(letter.getEventId()).isEqualTo(event.getEventId());
      assertThat(letter.getTopic()).isEqualTo(Topics.VIDEO_EVENTS.name());
      assertThat(letter.getErrorMessage()).isEqualTo(summary.getReason());
    }
    assertThat(crops.isEmpty()).isTrue();

    // The stream is still running: a good video after all of them is extracted.
    submit(mkvClip.toUri().toString());
    assertThat(summaries.readValue().getStatus()).isEqualTo(ExtractionStatus.OK);
    assertThat(crops.readRecordsToList()).isNotEmpty();

    assertThat(videos("UNREADABLE")).isEqualTo(3);
    assertThat(videos("REJECTED")).isEqualTo(5);
    assertThat(videos("OK")).isEqualTo(1);
    assertThat(driver.meters.get(PipelineMetric.EXTRACT_SECONDS.meterName()).timer().count())
        .isEqualTo(expected.size() + 1);
  }

  /** The videos the stage counted with {@code status}. */
  private double videos(String status) {
    return driver.meters.get(PipelineMetric.VIDEOS.meterName()).tag("status", status).counter()
        .count();
  }

  @Test
  void aFacelessVideoIsNoFaces() throws Exception {
    Path blank = videos.resolve("blank.avi");
    try (org.bytedeco.javacv.FFmpegFrameRecorder recorder =
        new org.bytedeco.javacv.FFmpegFrameRecorder(blank.toFile(), 64, 48, 0);
        org.bytedeco.javacv.OpenCVFrameConverter.ToMat converter =
            new org.bytedeco.javacv.OpenCVFrameConverter.ToMat();
        org.bytedeco.opencv.opencv_core.Mat grey = new org.bytedeco.opencv.opencv_core.Mat(48, 64,
            org.bytedeco.opencv.global.opencv_core.CV_8UC3,
            new org.bytedeco.opencv.opencv_core.Scalar(90, 90, 90, 0))) {
      recorder.setFormat("avi");
      recorder.setVideoCodecName("mpeg4");
      recorder.setFrameRate(10);
      recorder.start();
      for (int i = 0; i < 10; i++) {
        recorder.record(converter.convert(grey));
      }
      recorder.stop();
    }
    submit(blank.toUri().toString());
    ExtractionSummary summary = summaries.readValue();
    assertThat(summary.getStatus()).isEqualTo(ExtractionStatus.NO_FACES);
    assertThat(summary.getReason()).isEqualTo("No face found in 8 sampled frames");
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aRecordThatIsNotAvroBecomesADeadLetter() {
    // The 4.3.1 test driver does not capture the deserialization handler's records under
    // exactly_once_v2; the handler behaves the same under either guarantee.
    driver.close();
    start(Map.of("processing.guarantee", "at_least_once"));
    driver.rawEvents.pipeInput("k".getBytes(), "{\"uri\":\"file:///x\"}".getBytes());
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(Stage.EXTRACT);
    assertThat(letter.getErrorClass()).endsWith("WireFormatException");
    assertThat(summaries.isEmpty()).isTrue();
  }
}
