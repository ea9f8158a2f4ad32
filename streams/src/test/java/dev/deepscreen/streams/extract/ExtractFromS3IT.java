package dev.deepscreen.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The extraction topology reading {@code s3:} URIs from a real S3-compatible server (S3Proxy in a
 * child JVM on 127.0.0.1), with a real video made from a face photo stored in it.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtractFromS3IT {

  private static final String BUCKET = "uploads";
  private static final String OTHER_BUCKET = "private";
  private static final long MAX_BYTES = 400_000;

  @TempDir
  static Path dir;
  private static S3ProxyServer s3;
  private static long clipBytes;
  private ExtractDriver driver;
  private Path downloads;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    s3.createBucket(OTHER_BUCKET);
    Path clip = SampleClips.panningClip(dir.resolve("group.mp4"), "sample5.jpg", Codec.H264_MP4,
        640, 360, 60, 30, 0);
    clipBytes = Files.size(clip);
    assertThat(clipBytes).isLessThan(MAX_BYTES);
    s3.client().putObject(b -> b.bucket(BUCKET).key("videos/2026/group clip.mp4"),
        RequestBody.fromFile(clip));
    s3.client().putObject(b -> b.bucket(OTHER_BUCKET).key("group.mp4"),
        RequestBody.fromFile(clip));
    s3.client().putObject(b -> b.bucket(BUCKET).key("huge.mp4"),
        RequestBody.fromBytes(new byte[(int) MAX_BYTES + 1]));
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private void start(Map<String, String> overrides) throws Exception {
    downloads = Files.createTempDirectory(dir, "downloads");
    Map<String, Object> settings = new HashMap<>();
    settings.putAll(s3.clientProperties(ExtractConfig.S3_PREFIX));
    settings.put(ExtractConfig.S3_ALLOWED_BUCKETS_CONFIG, BUCKET + ",missing-bucket");
    settings.put(ExtractConfig.MAX_BYTES_CONFIG, Long.toString(MAX_BYTES));
    settings.put(ExtractConfig.DOWNLOAD_DIR_CONFIG, downloads.toString());
    settings.put(ExtractConfig.FRAMES_PER_VIDEO_CONFIG, "6");
    settings.put(ExtractConfig.CROP_SIZE_CONFIG, "160");
    settings.putAll(overrides);
    driver = new ExtractDriver(settings);
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private List<Path> leftovers() throws Exception {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.toList();
    }
  }

  @Test
  void aVideoInS3IsDownloadedExtractedAndItsCopyDeleted() throws Exception {
    start(Map.of());
    VideoEvent event = driver.submit("s3://" + BUCKET + "/videos/2026/group%20clip.mp4");

    List<TestRecord<String, FaceCrop>> crops = driver.crops.readRecordsToList();
    ExtractionSummary summary = driver.summaries.readValue();
    assertThat(summary.getStatus()).isEqualTo(ExtractionStatus.OK);
    assertThat(summary.getFramesSampled()).isEqualTo(6);
    assertThat(summary.getDecode().getBytesRead()).isEqualTo(clipBytes);
    assertThat(summary.getDecode().getVideoCodec()).isEqualTo("h264");
    assertThat(crops).hasSize(summary.getCropsEmitted()).hasSizeGreaterThanOrEqualTo(6 * 4)
        .allSatisfy(r -> assertThat(r.key()).isEqualTo(event.getEventId().toString()));
    assertThat(driver.deadLetters.isEmpty()).isTrue();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void missingObjectsOversizedObjectsAndOtherBucketsGetTheirStatusAndReason() throws Exception {
    start(Map.of());
    Map<String, ExtractionSummary> results = new HashMap<>();
    for (String uri : List.of("s3://" + BUCKET + "/videos/none.mp4",
        "s3://missing-bucket/a.mp4", "s3://" + BUCKET + "/huge.mp4",
        "s3://" + OTHER_BUCKET + "/group.mp4", "s3://" + BUCKET)) {
      driver.submit(uri);
      results.put(uri, driver.summaries.readValue());
      DeadLetter letter = driver.deadLetters.readValue();
      assertThat(letter.getErrorMessage()).isEqualTo(results.get(uri).getReason());
    }

    assertThat(results.get("s3://" + BUCKET + "/videos/none.mp4")).satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(ExtractionStatus.UNREADABLE);
      assertThat(s.getReason()).isEqualTo("No such object: s3://uploads/videos/none.mp4");
    });
    assertThat(results.get("s3://missing-bucket/a.mp4")).satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(ExtractionStatus.UNREADABLE);
      assertThat(s.getReason()).isEqualTo("No such bucket: missing-bucket");
    });
    assertThat(results.get("s3://" + BUCKET + "/huge.mp4")).satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(ExtractionStatus.REJECTED);
      assertThat(s.getReason()).isEqualTo("The object has " + (MAX_BYTES + 1)
          + " bytes, more than the limit of " + MAX_BYTES);
    });
    assertThat(results.get("s3://" + OTHER_BUCKET + "/group.mp4")).satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(ExtractionStatus.REJECTED);
      assertThat(s.getReason()).isEqualTo("Bucket private is not on the allow-list");
    });
    assertThat(results.get("s3://" + BUCKET)).satisfies(s -> {
      assertThat(s.getStatus()).isEqualTo(ExtractionStatus.REJECTED);
      assertThat(s.getReason()).isEqualTo("The URI names no object in bucket uploads");
    });
    assertThat(driver.crops.isEmpty()).isTrue();
    assertThat(leftovers()).isEmpty();

    // The stream goes on: the good video after all of them is extracted.
    driver.submit("s3://" + BUCKET + "/videos/2026/group%20clip.mp4");
    assertThat(driver.summaries.readValue().getStatus()).isEqualTo(ExtractionStatus.OK);
  }

  @Test
  void wrongCredentialsAreUnreadableWithTheReason() throws Exception {
    start(Map.of(ExtractConfig.S3_SECRET_KEY_CONFIG, "not-the-secret"));
    driver.submit("s3://" + BUCKET + "/videos/2026/group%20clip.mp4");
    ExtractionSummary summary = driver.summaries.readValue();
    assertThat(summary.getStatus()).isEqualTo(ExtractionStatus.UNREADABLE);
    assertThat(summary.getReason())
        .startsWith("Access to s3://uploads/videos/2026/group clip.mp4 is denied");
  }
}
