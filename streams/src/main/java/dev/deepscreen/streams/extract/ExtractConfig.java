package dev.deepscreen.streams.extract;

import dev.deepscreen.avro.Stage;
import dev.deepscreen.s3.S3ClientConfig;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.StageConfig;
import dev.deepscreen.streams.extract.source.FileVideoSource;
import dev.deepscreen.streams.extract.source.HttpVideoSource;
import dev.deepscreen.streams.extract.source.S3VideoSource;
import dev.deepscreen.streams.extract.source.VideoSource;
import dev.deepscreen.streams.extract.source.VideoSources;
import dev.deepscreen.core.media.DecodeLimits;
import dev.deepscreen.core.media.FaceCropper;
import dev.deepscreen.core.media.FaceDetector;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.VideoDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The extraction stage's settings ({@code extract.*}) on top of those every stage shares.
 * Videos are untrusted input: every limit here has a safe default.
 */
public final class ExtractConfig extends StageConfig {

  public static final String APPLICATION_ID_DEFAULT = "deepscreen-extract";

  public static final String FILE_ROOTS_CONFIG = "extract.file.roots";
  public static final String HTTP_ENABLED_CONFIG = "extract.http.enabled";
  public static final String HTTP_ALLOWED_HOSTS_CONFIG = "extract.http.allowed.hosts";
  public static final String HTTP_ALLOW_PRIVATE_CONFIG = "extract.http.allow.private.addresses";
  public static final String HTTP_TIMEOUT_MS_CONFIG = "extract.http.timeout.ms";
  public static final String HTTP_MAX_REDIRECTS_CONFIG = "extract.http.max.redirects";
  public static final String S3_ENABLED_CONFIG = "extract.s3.enabled";
  /** The prefix of the S3 client settings, which are the sink connector's {@code s3.*}. */
  public static final String S3_PREFIX = "extract.";
  public static final String S3_REGION_CONFIG = S3_PREFIX + S3ClientConfig.REGION;
  public static final String S3_ENDPOINT_CONFIG = S3_PREFIX + S3ClientConfig.ENDPOINT;
  public static final String S3_PATH_STYLE_CONFIG = S3_PREFIX + S3ClientConfig.PATH_STYLE;
  public static final String S3_ACCESS_KEY_CONFIG = S3_PREFIX + S3ClientConfig.ACCESS_KEY;
  public static final String S3_SECRET_KEY_CONFIG = S3_PREFIX + S3ClientConfig.SECRET_KEY;
  public static final String S3_CHECKSUM_CONFIG = S3_PREFIX + S3ClientConfig.CHECKSUM;
  public static final String S3_RETRIES_CONFIG = S3_PREFIX + S3ClientConfig.RETRIES;
  public static final String S3_RETRY_BACKOFF_MS_CONFIG =
      S3_PREFIX + S3ClientConfig.RETRY_BACKOFF_MS;
  public static final String S3_ALLOWED_BUCKETS_CONFIG = "extract.s3.allowed.buckets";
  public static final String S3_TIMEOUT_MS_CONFIG = "extract.s3.timeout.ms";
  public static final String DOWNLOAD_DIR_CONFIG = "extract.download.dir";
  public static final String MAX_BYTES_CONFIG = "extract.video.max.bytes";
  public static final String MAX_DURATION_MS_CONFIG = "extract.video.max.duration.ms";
  public static final String MAX_WIDTH_CONFIG = "extract.video.max.width";
  public static final String MAX_HEIGHT_CONFIG = "extract.video.max.height";
  public static final String MAX_FRAMES_CONFIG = "extract.video.max.frames";
  public static final String TIME_BUDGET_MS_CONFIG = "extract.video.time.budget.ms";
  public static final String FORMATS_CONFIG = "extract.video.formats";
  public static final String DECODER_THREADS_CONFIG = "extract.decoder.threads";
  public static final String FRAMES_PER_VIDEO_CONFIG = "extract.frames.per.video";
  public static final String DETECTOR_SCORE_CONFIG = "extract.detector.score.threshold";
  public static final String DETECTOR_NMS_IOU_CONFIG = "extract.detector.nms.iou";
  public static final String DETECTOR_MAX_FACES_CONFIG = "extract.detector.max.faces";
  public static final String DETECTOR_MIN_FACE_CONFIG = "extract.detector.min.face.size";
  public static final String CROP_SIZE_CONFIG = "extract.crop.size";
  public static final String CROP_MARGIN_CONFIG = "extract.crop.margin";
  public static final String CROP_JPEG_QUALITY_CONFIG = "extract.crop.jpeg.quality";

  private static final ConfigDef CONFIG = withS3Client(stageConfigDef(APPLICATION_ID_DEFAULT))
      .define(FILE_ROOTS_CONFIG, Type.LIST, "", Importance.HIGH, "Folders whose files file: URIs"
          + " may name (after resolving links); empty refuses every file: URI.")
      .define(HTTP_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
          "Whether http: and https: URIs are fetched.")
      .define(HTTP_ALLOWED_HOSTS_CONFIG, Type.LIST, "", Importance.HIGH, "Hosts http(s) videos"
          + " may come from: names, or suffixes starting with a dot (.cdn.example.com); empty"
          + " allows every public host.")
      .define(HTTP_ALLOW_PRIVATE_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, "Whether hosts"
          + " resolving to loopback, private or link-local addresses may be fetched. Keep false"
          + " unless the video store is inside the network and the allow-list names it.")
      .define(HTTP_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
          "Time allowed for one download, connection included.")
      .define(HTTP_MAX_REDIRECTS_CONFIG, Type.INT, 3, Range.between(0, 10), Importance.LOW,
          "Redirects followed at most; each hop is checked like the first.")
      .define(S3_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
          "Whether s3://bucket/key URIs are fetched.")
      .define(S3_ALLOWED_BUCKETS_CONFIG, Type.LIST, "", Importance.HIGH, "Buckets s3: videos may"
          + " come from; empty allows every bucket the credentials can read. Set it when the"
          + " credentials can read more than the uploads.")
      .define(S3_TIMEOUT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1), Importance.LOW,
          "Time allowed for one download from S3, connection included; it also bounds each"
              + " request with its retries (" + S3_RETRIES_CONFIG + ").")
      .define(DOWNLOAD_DIR_CONFIG, Type.STRING, System.getProperty("java.io.tmpdir"),
          Importance.LOW, "Folder for downloaded copies, deleted after each video.")
      .define(MAX_BYTES_CONFIG, Type.LONG, DecodeLimits.DEFAULTS.maxBytes(), Range.atLeast(1),
          Importance.MEDIUM, "Largest video accepted, bytes.")
      .define(MAX_DURATION_MS_CONFIG, Type.LONG, DecodeLimits.DEFAULTS.maxDuration().toMillis(),
          Range.atLeast(1), Importance.MEDIUM, "Longest video accepted.")
      .define(MAX_WIDTH_CONFIG, Type.INT, DecodeLimits.DEFAULTS.maxWidth(), Range.atLeast(1),
          Importance.MEDIUM, "Widest frame accepted, pixels (either orientation).")
      .define(MAX_HEIGHT_CONFIG, Type.INT, DecodeLimits.DEFAULTS.maxHeight(), Range.atLeast(1),
          Importance.MEDIUM, "Tallest frame accepted, pixels (either orientation).")
      .define(MAX_FRAMES_CONFIG, Type.LONG, DecodeLimits.DEFAULTS.maxFrames(), Range.atLeast(1),
          Importance.LOW, "Most frames decoded from one video.")
      .define(TIME_BUDGET_MS_CONFIG, Type.LONG, DecodeLimits.DEFAULTS.timeBudget().toMillis(),
          Range.atLeast(1), Importance.MEDIUM, "Longest time spent reading one video; past it the"
              + " event gets status TIMED_OUT.")
      .define(FORMATS_CONFIG, Type.LIST, String.join(",", DecodeLimits.DEFAULT_FORMATS),
          Importance.LOW, "Container formats the demuxer may use (FFmpeg names). hls and concat"
              + " are refused: they open files named inside the input.")
      .define(DECODER_THREADS_CONFIG, Type.INT, 1, Range.between(0, 64), Importance.LOW,
          "FFmpeg decoding threads per video; 0 lets FFmpeg choose. Stream threads already"
              + " decode videos in parallel.")
      .define(FRAMES_PER_VIDEO_CONFIG, Type.INT, 32, Range.between(1, 1000), Importance.HIGH,
          "Frames sampled per video, evenly from first to last (the reference used 32).")
      .define(DETECTOR_SCORE_CONFIG, Type.DOUBLE, 0.7, Range.between(0.01, 0.99),
          Importance.MEDIUM, "Least face detector confidence kept.")
      .define(DETECTOR_NMS_IOU_CONFIG, Type.DOUBLE, 0.4, Range.between(0.01, 1.0),
          Importance.LOW, "Overlap above which the weaker of two face boxes is dropped.")
      .define(DETECTOR_MAX_FACES_CONFIG, Type.INT, 16, Range.between(1, 256), Importance.LOW,
          "Most faces kept per frame, the most confident first.")
      .define(DETECTOR_MIN_FACE_CONFIG, Type.INT, 12, Range.atLeast(1), Importance.LOW,
          "Smallest face side kept, frame pixels.")
      .define(CROP_SIZE_CONFIG, Type.INT, 380, Range.between(16, 4096), Importance.HIGH,
          "Side of the square face crop, the model input size (380 in the reference).")
      .define(CROP_MARGIN_CONFIG, Type.DOUBLE, 0.3, Range.between(0.0, 2.0), Importance.MEDIUM,
          "Fraction of the face box added on each side before resizing.")
      .define(CROP_JPEG_QUALITY_CONFIG, Type.INT, 90, Range.between(1, 100), Importance.LOW,
          "JPEG quality of the crops.");

  public ExtractConfig(Map<?, ?> props) {
    super(Stage.EXTRACT, CONFIG, props);
    for (String root : getList(FILE_ROOTS_CONFIG)) {
      if (!Files.isDirectory(Path.of(root))) {
        throw new ConfigException(FILE_ROOTS_CONFIG, root, "not a folder");
      }
    }
    if (!Files.isDirectory(Path.of(getString(DOWNLOAD_DIR_CONFIG)))) {
      throw new ConfigException(DOWNLOAD_DIR_CONFIG, getString(DOWNLOAD_DIR_CONFIG),
          "not a folder");
    }
    decodeLimits(); // DecodeLimits refuses formats that open other files
    s3ClientSettings(); // both keys or neither
  }

  /**
   * The S3 client settings ({@code extract.s3.*}, the sink connector's {@code s3.*}), defined
   * with the {@code s3:} source's own settings that follow.
   */
  private static ConfigDef withS3Client(ConfigDef def) {
    S3ClientConfig.define(def, S3_PREFIX, null, 0);
    return def;
  }

  /** How the {@code s3:} source reaches its store; each call bounded by the download timeout. */
  public S3ClientSettings s3ClientSettings() {
    return S3ClientConfig.settings(this, S3_PREFIX)
        .withTimeout(Duration.ofMillis(getLong(S3_TIMEOUT_MS_CONFIG)));
  }

  /** The definitions, for documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public DecodeLimits decodeLimits() {
    try {
      return new DecodeLimits(getLong(MAX_BYTES_CONFIG),
          Duration.ofMillis(getLong(MAX_DURATION_MS_CONFIG)), getInt(MAX_WIDTH_CONFIG),
          getInt(MAX_HEIGHT_CONFIG), getLong(MAX_FRAMES_CONFIG),
          Duration.ofMillis(getLong(TIME_BUDGET_MS_CONFIG)), getList(FORMATS_CONFIG));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(FORMATS_CONFIG, getList(FORMATS_CONFIG), e.getMessage());
    }
  }

  public int decoderThreads() {
    return getInt(DECODER_THREADS_CONFIG);
  }

  public int framesPerVideo() {
    return getInt(FRAMES_PER_VIDEO_CONFIG);
  }

  private FaceDetector.Settings detectorSettings() {
    return new FaceDetector.Settings(getDouble(DETECTOR_SCORE_CONFIG).floatValue(),
        getDouble(DETECTOR_NMS_IOU_CONFIG).floatValue(), getInt(DETECTOR_MAX_FACES_CONFIG),
        getInt(DETECTOR_MIN_FACE_CONFIG));
  }

  public FaceCropper cropper() {
    return new FaceCropper(getInt(CROP_SIZE_CONFIG), getDouble(CROP_MARGIN_CONFIG));
  }

  public int jpegQuality() {
    return getInt(CROP_JPEG_QUALITY_CONFIG);
  }

  /**
   * A face extractor as these settings describe it: decoder, detector, cropper. It holds a
   * detector network, is not thread-safe, and must be closed.
   */
  public FaceExtractor faceExtractor() {
    return new FaceExtractor(new VideoDecoder(decodeLimits(), decoderThreads(), true),
        FaceDetector.ultraFace(detectorSettings()), cropper(), framesPerVideo(), jpegQuality());
  }

  /** The sources of the enabled URI schemes, new ones for each caller, who closes them. */
  public VideoSources videoSources() {
    List<VideoSource> sources = new ArrayList<>();
    sources.add(new FileVideoSource(getList(FILE_ROOTS_CONFIG).stream().map(Path::of).toList(),
        getLong(MAX_BYTES_CONFIG)));
    if (getBoolean(HTTP_ENABLED_CONFIG)) {
      sources.add(new HttpVideoSource(new HttpVideoSource.Settings(
          getList(HTTP_ALLOWED_HOSTS_CONFIG), getBoolean(HTTP_ALLOW_PRIVATE_CONFIG),
          Duration.ofMillis(getLong(HTTP_TIMEOUT_MS_CONFIG)), getLong(MAX_BYTES_CONFIG),
          getInt(HTTP_MAX_REDIRECTS_CONFIG), Path.of(getString(DOWNLOAD_DIR_CONFIG)))));
    }
    if (getBoolean(S3_ENABLED_CONFIG)) {
      sources.add(new S3VideoSource(new S3VideoSource.Settings(s3ClientSettings(),
          getList(S3_ALLOWED_BUCKETS_CONFIG), Duration.ofMillis(getLong(S3_TIMEOUT_MS_CONFIG)),
          getLong(MAX_BYTES_CONFIG), Path.of(getString(DOWNLOAD_DIR_CONFIG)))));
    }
    return new VideoSources(sources);
  }

  /**
   * A video can take seconds: poll few records at a time and allow a poll interval and a
   * transaction long enough for a batch of them at the time budget. Crops go out in large
   * producer batches.
   */
  @Override
  protected void addStreamsDefaults(Properties props) {
    long budget = getLong(TIME_BUDGET_MS_CONFIG)
        + Math.max(getLong(HTTP_TIMEOUT_MS_CONFIG), getLong(S3_TIMEOUT_MS_CONFIG));
    int records = 4;
    long batch = Math.min(budget * records, Duration.ofMinutes(14).toMillis());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), records);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        (int) Math.max(batch + 60_000, 300_000));
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        (int) Math.max(batch + 60_000, 60_000));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, defaultStreamThreads());
    addCropProducerDefaults(props);
  }

  /**
   * One stream thread per partition of {@code video-events} as the project creates it, and at
   * least one per core. A video holds its thread for a second or more (decoding one video uses
   * one core), and a thread works through its partitions' videos one after another: with fewer
   * threads than partitions, a burst that hashes unevenly leaves videos queued behind others on
   * one thread while another thread has nothing to do. With a thread per partition every
   * waiting video is in progress and the cores are shared among them.
   */
  static int defaultStreamThreads() {
    return Math.max(Topics.VIDEO_EVENTS.partitions(),
        Runtime.getRuntime().availableProcessors());
  }
}
