package dev.deepscreen.connectors.s3;

import dev.deepscreen.s3.DeprecatedNames;
import dev.deepscreen.s3.S3ClientConfig;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.schemas.registry.SchemaRegistryClientConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The S3 sink's settings, declared once and grouped as Connect's UI shows them. Single-field
 * rules live in validators; rules that tie fields together are in {@link #crossFieldProblems},
 * which both the constructor (at task start) and the connector's {@code validate} (REST) use.
 */
public final class S3SinkConfig extends AbstractConfig {

  public static final String BUCKET_CONFIG = "s3.bucket.name";
  public static final String REGION_CONFIG = S3ClientConfig.REGION;
  public static final String ENDPOINT_CONFIG = S3ClientConfig.ENDPOINT;
  public static final String ACCESS_KEY_CONFIG = S3ClientConfig.ACCESS_KEY;
  public static final String SECRET_KEY_CONFIG = S3ClientConfig.SECRET_KEY;
  public static final String PART_SIZE_CONFIG = "s3.part.size";
  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  public static final String TOPICS_DIR_CONFIG = "topics.dir";
  public static final String FORMAT_CONFIG = "format";
  public static final String PARTITIONER_CONFIG = "partitioner";
  public static final String PARTITION_FIELD_CONFIG = "partition.field.name";
  public static final String TIMESTAMP_EXTRACTOR_CONFIG = "timestamp.extractor";
  public static final String FLUSH_SIZE_CONFIG = "flush.size";
  public static final String ROTATE_INTERVAL_MS_CONFIG = "rotate.interval.ms";
  public static final String ROTATE_SCHEDULE_INTERVAL_MS_CONFIG = "rotate.schedule.interval.ms";

  /** S3's smallest part of a multipart upload (all but the last part). */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  private static final String GROUP_S3 = "S3";
  private static final String GROUP_LAYOUT = "Layout";
  private static final String GROUP_FORMAT = "Format";
  private static final String GROUP_ROTATION = "Rotation";

  /** The output format of the objects. */
  public enum Format { AVRO, JSON }

  /** How a record's objects are grouped under the topic's folder. */
  public enum PartitionerKind { KAFKA, FIELD, DAILY, HOURLY }

  /** Which time a time-based partitioner uses. */
  public enum TimestampSource { RECORD, WALLCLOCK }

  /** A setting that is invalid together with others, with the message a user can act on. */
  public record Problem(String name, String message) {}

  /**
   * Names the connector used before its S3 settings became the extraction stage's too; they
   * still work, with a warning logged once.
   */
  static final DeprecatedNames RENAMED = DeprecatedNames.logged(S3SinkConfig.class, Map.of(
      "store.url", ENDPOINT_CONFIG,
      "aws.access.key.id", ACCESS_KEY_CONFIG,
      "aws.secret.access.key", SECRET_KEY_CONFIG));

  private static final ConfigDef CONFIG = build();

  public S3SinkConfig(Map<String, ?> props) {
    super(CONFIG, RENAMED.apply(props), false);
    List<Problem> problems = crossFieldProblems(this);
    if (!problems.isEmpty()) {
      Problem first = problems.get(0);
      throw new ConfigException(first.name() + ": " + first.message());
    }
  }

  /** The definitions, for the connector's {@code config()} and for documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  private static ConfigDef build() {
    ConfigDef def = new ConfigDef();
    defineS3(def);
    defineLayout(def);
    defineFormat(def);
    defineRotation(def);
    return def;
  }

  private static void defineS3(ConfigDef def) {
    int order = 0;
    def.define(BUCKET_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
        new ConfigDef.NonEmptyString(), Importance.HIGH,
        "The bucket the objects are written to; it must exist.", GROUP_S3, ++order, Width.LONG,
        "Bucket");
    // Endpoint, region, addressing, credentials, checksums and the SDK's retries: the same
    // settings as the extraction stage's s3: source.
    order = S3ClientConfig.define(def, "", GROUP_S3, order);
    def.define(PART_SIZE_CONFIG, Type.INT, 25 * 1024 * 1024, Range.atLeast(MIN_PART_SIZE),
        Importance.LOW, "Bytes per part of a multipart upload. An object smaller than this is"
            + " written with one PUT; a larger one is uploaded in parts while it is written.",
        GROUP_S3, ++order, Width.SHORT, "Part size");
    def.define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 5000L, Range.between(0, 3_600_000),
        Importance.LOW, "When S3 fails in a way that may pass (unreachable, 5xx, throttling)"
            + " after the client's own retries (" + S3ClientConfig.RETRIES + "), the task does"
            + " not fail: it drops the partition's unwritten batch, rewinds the partition to"
            + " the batch's first record and asks Connect to deliver records again within this"
            + " time (sooner when the worker commits offsets in between), as long as the"
            + " failure lasts.", GROUP_S3,
        ++order, Width.SHORT, "Retry backoff (ms)");
  }

  private static void defineLayout(ConfigDef def) {
    int order = 0;
    def.define(TOPICS_DIR_CONFIG, Type.STRING, "topics", new TopicsDir(), Importance.MEDIUM,
        "Key prefix under which each topic gets a folder.", GROUP_LAYOUT, ++order, Width.MEDIUM,
        "Topics directory");
    def.define(PARTITIONER_CONFIG, Type.STRING, "kafka", caseInsensitive(PartitionerKind.class),
        Importance.MEDIUM, "How objects are grouped under the topic's folder: kafka"
            + " (partition=<n>), field (<field>=<value> of " + PARTITION_FIELD_CONFIG + "),"
            + " daily (year=/month=/day=) or hourly (year=/month=/day=/hour=), in UTC.",
        GROUP_LAYOUT, ++order, Width.SHORT, "Partitioner");
    def.define(PARTITION_FIELD_CONFIG, Type.STRING, "", Importance.MEDIUM,
        "Top-level field of the record whose value names the folder, for the field partitioner.",
        GROUP_LAYOUT, ++order, Width.MEDIUM, "Partition field");
    def.define(TIMESTAMP_EXTRACTOR_CONFIG, Type.STRING, "record",
        caseInsensitive(TimestampSource.class), Importance.MEDIUM,
        "Time of the daily and hourly partitioners: record (the Kafka record's timestamp,"
            + " deterministic on replay) or wallclock (the time the task writes it).",
        GROUP_LAYOUT, ++order, Width.SHORT, "Timestamp");
  }

  private static void defineFormat(ConfigDef def) {
    def.define(FORMAT_CONFIG, Type.STRING, "avro", caseInsensitive(Format.class),
        Importance.HIGH, "Object format: avro (Avro object container files, extension .avro,"
            + " with the records' writer schema) or json (one JSON object per line, .json).",
        GROUP_FORMAT, 1, Width.SHORT, "Format");
    // The registry settings are the schemas module's own, so they read the same everywhere.
    int order = 1;
    for (ConfigDef.ConfigKey key : SchemaRegistryClientConfig.configDef().configKeys().values()) {
      def.define(key.name, key.type, key.defaultValue, key.validator, key.importance,
          key.documentation, GROUP_FORMAT, ++order, Width.LONG, key.name);
    }
  }

  private static void defineRotation(ConfigDef def) {
    int order = 0;
    def.define(FLUSH_SIZE_CONFIG, Type.INT, 1000, Range.atLeast(1), Importance.HIGH,
        "Records of one Kafka partition per batch of objects: when reached, the open objects"
            + " are written and their offsets become committable.", GROUP_ROTATION, ++order,
        Width.SHORT, "Flush size");
    def.define(ROTATE_INTERVAL_MS_CONFIG, Type.LONG, -1L, Range.atLeast(-1), Importance.MEDIUM,
        "Also write the open objects when a record's timestamp is this much later than the"
            + " first one's (record time, so deterministic on replay); -1 disables.",
        GROUP_ROTATION, ++order, Width.SHORT, "Rotate interval (ms)");
    def.define(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG, Type.LONG, -1L, Range.atLeast(-1),
        Importance.MEDIUM, "Also write the open objects at wall-clock multiples of this"
            + " interval, so a quiet partition is not held back; -1 disables. Object"
            + " boundaries then depend on timing: a replay may cut the records differently and"
            + " leave objects that overlap earlier ones.", GROUP_ROTATION, ++order, Width.SHORT,
        "Scheduled rotation (ms)");
  }

  /** Rules that need more than one setting; empty when the configuration is consistent. */
  static List<Problem> crossFieldProblems(AbstractConfig config) {
    List<Problem> problems = new ArrayList<>();
    if (parse(PartitionerKind.class, config.getString(PARTITIONER_CONFIG))
        == PartitionerKind.FIELD && config.getString(PARTITION_FIELD_CONFIG).isBlank()) {
      problems.add(new Problem(PARTITION_FIELD_CONFIG,
          "must be set when partitioner is field"));
    }
    S3ClientConfig.credentialsProblem(config, "")
        .ifPresent(p -> problems.add(new Problem(p.name(), p.message())));
    return problems;
  }

  public String bucket() {
    return getString(BUCKET_CONFIG);
  }

  /** How to reach the bucket's store. */
  public S3ClientSettings clientSettings() {
    return S3ClientConfig.settings(this, "");
  }

  public int partSize() {
    return getInt(PART_SIZE_CONFIG);
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS_CONFIG);
  }

  public String topicsDir() {
    return getString(TOPICS_DIR_CONFIG);
  }

  public Format format() {
    return parse(Format.class, getString(FORMAT_CONFIG));
  }

  public PartitionerKind partitioner() {
    return parse(PartitionerKind.class, getString(PARTITIONER_CONFIG));
  }

  public String partitionField() {
    return getString(PARTITION_FIELD_CONFIG).trim();
  }

  public TimestampSource timestampSource() {
    return parse(TimestampSource.class, getString(TIMESTAMP_EXTRACTOR_CONFIG));
  }

  public int flushSize() {
    return getInt(FLUSH_SIZE_CONFIG);
  }

  public long rotateIntervalMs() {
    return getLong(ROTATE_INTERVAL_MS_CONFIG);
  }

  public long rotateScheduleIntervalMs() {
    return getLong(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG);
  }

  /** The settings of the schema registry client, as that client reads them. */
  public Map<String, Object> registrySettings() {
    Map<String, Object> settings = new HashMap<>();
    for (String name : SchemaRegistryClientConfig.configDef().names()) {
      Object value = originals().get(name);
      if (value != null) {
        settings.put(name, value);
      }
    }
    return settings;
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value) {
    return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
  }

  private static <E extends Enum<E>> ConfigDef.Validator caseInsensitive(Class<E> type) {
    return new S3ClientConfig.OneOf(type);
  }

  /** A key prefix: no leading or trailing slash, no empty segment. */
  private static final class TopicsDir implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String dir = (String) value;
      if (dir == null || dir.isEmpty() || dir.startsWith("/") || dir.endsWith("/")
          || dir.contains("//")) {
        throw new ConfigException(name, value,
            "must be a non-empty key prefix without leading, trailing or double '/'");
      }
    }

    @Override
    public String toString() {
      return "a key prefix such as topics or audit/kafka";
    }
  }
}
