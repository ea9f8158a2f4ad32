package dev.deepscreen.s3;

import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The S3 client settings, declared once. A component defines them under its prefix: the sink
 * connector as {@code s3.endpoint}, {@code s3.region}, ...; the extraction stage as
 * {@code extract.s3.endpoint}, {@code extract.s3.region}, .... {@link #settings} reads them back
 * as what {@link S3Clients} needs; {@link #properties} writes settings as such properties.
 */
public final class S3ClientConfig {

  public static final String REGION = "s3.region";
  public static final String ENDPOINT = "s3.endpoint";
  public static final String PATH_STYLE = "s3.path.style.access.enabled";
  public static final String ACCESS_KEY = "s3.access.key.id";
  public static final String SECRET_KEY = "s3.secret.access.key";
  public static final String CHECKSUM = "s3.request.checksum.calculation";
  public static final String RETRIES = "s3.retries";
  public static final String RETRY_BACKOFF_MS = "s3.retry.backoff.ms";

  public static final String REGION_DEFAULT = "us-east-1";
  public static final int RETRIES_DEFAULT = 3;
  public static final long RETRY_BACKOFF_MS_DEFAULT = 200;

  private S3ClientConfig() {}

  /**
   * Defines the settings under {@code prefix} (empty, or ending with a dot), in {@code group}
   * from {@code order + 1} on.
   *
   * @return the last order used
   */
  public static int define(ConfigDef def, String prefix, String group, int order) {
    String endpoint = prefix + ENDPOINT;
    String accessKey = prefix + ACCESS_KEY;
    String secretKey = prefix + SECRET_KEY;
    def.define(prefix + REGION, Type.STRING, REGION_DEFAULT, new ConfigDef.NonEmptyString(),
        Importance.MEDIUM, "The buckets' AWS region (also used to sign requests to " + endpoint
            + ").", group, ++order, Width.SHORT, "Region");
    def.define(endpoint, Type.STRING, "", S3Endpoint.VALIDATOR, Importance.MEDIUM,
        "Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy), for example"
            + " http://minio:9000. Empty for AWS S3 itself.", group, ++order, Width.LONG,
        "Endpoint");
    def.define(prefix + PATH_STYLE, Type.BOOLEAN, false, Importance.LOW,
        "Address the bucket as a path (http://host/bucket/key) instead of a host name"
            + " (http://bucket.host/key). Most S3-compatible stores need true.", group, ++order,
        Width.SHORT, "Path-style access");
    def.define(accessKey, Type.PASSWORD, null, Importance.HIGH,
        "Access key id. When unset with " + secretKey + ", the AWS default credentials chain is"
            + " used (environment, system properties, profile, container or instance role). A"
            + " password, so that config providers (${file:...}) can supply it.", group,
        ++order, Width.LONG, "Access key id");
    def.define(secretKey, Type.PASSWORD, null, Importance.HIGH,
        "Secret access key, set together with " + accessKey + ".", group, ++order, Width.LONG,
        "Secret access key");
    def.define(prefix + CHECKSUM, Type.STRING, "when_supported", new OneOf(Checksum.class),
        Importance.LOW, "when_supported (the AWS SDK's default) sends a CRC32 checksum with every"
            + " upload, in an aws-chunked body with a trailer; when_required sends one only"
            + " where S3 demands it. Use when_required for S3-compatible stores that mishandle"
            + " the trailer: S3Proxy 4.1.0 closes the connection after such an upload, so the"
            + " next request on it fails and is retried.", group, ++order, Width.SHORT,
        "Request checksums");
    def.define(prefix + RETRIES, Type.INT, RETRIES_DEFAULT, Range.between(0, 100),
        Importance.LOW, "Retries of an S3 request after a retryable failure (5xx, throttling,"
            + " I/O error), by the AWS SDK's standard retry strategy.", group, ++order,
        Width.SHORT, "Retries");
    def.define(prefix + RETRY_BACKOFF_MS, Type.LONG, RETRY_BACKOFF_MS_DEFAULT,
        Range.between(0, S3Clients.MAX_BACKOFF.toMillis()), Importance.LOW,
        "Base of the exponential backoff (with jitter) between the retries of a request, up to "
            + S3Clients.MAX_BACKOFF.toSeconds() + " s.", group, ++order, Width.SHORT,
        "Retry backoff (ms)");
    return order;
  }

  /** A setting that is invalid together with others, with the message a user can act on. */
  public record Problem(String name, String message) {}

  /**
   * The rule that ties the settings together: both keys or neither.
   *
   * @return the setting to blame and the message, or empty when the keys are fine
   */
  public static Optional<Problem> credentialsProblem(AbstractConfig config, String prefix) {
    String accessKey = prefix + ACCESS_KEY;
    String secretKey = prefix + SECRET_KEY;
    boolean access = config.getPassword(accessKey) != null;
    boolean secret = config.getPassword(secretKey) != null;
    if (access == secret) {
      return Optional.empty();
    }
    return Optional.of(new Problem(access ? secretKey : accessKey, "set both " + accessKey
        + " and " + secretKey + ", or neither to use the AWS default credentials chain"));
  }

  /** The client settings a config holds under {@code prefix}, without a timeout. */
  public static S3ClientSettings settings(AbstractConfig config, String prefix) {
    credentialsProblem(config, prefix).ifPresent(p -> {
      throw new ConfigException(p.name(), "[hidden]", p.message());
    });
    Password accessKey = config.getPassword(prefix + ACCESS_KEY);
    Password secretKey = config.getPassword(prefix + SECRET_KEY);
    return new S3ClientSettings(config.getString(prefix + REGION),
        S3Endpoint.parse(prefix + ENDPOINT, config.getString(prefix + ENDPOINT)),
        config.getBoolean(prefix + PATH_STYLE),
        accessKey == null ? null : accessKey.value(),
        secretKey == null ? null : secretKey.value(),
        Checksum.valueOf(config.getString(prefix + CHECKSUM).trim().toUpperCase(Locale.ROOT)),
        config.getInt(prefix + RETRIES),
        Duration.ofMillis(config.getLong(prefix + RETRY_BACKOFF_MS)), null);
  }

  /**
   * The properties under {@code prefix} that {@link #settings} reads back as {@code settings}
   * (less the timeout, which is no setting of this group): for a store's clients in tests and
   * in the embedded mode.
   */
  public static Map<String, String> properties(String prefix, S3ClientSettings settings) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(prefix + REGION, settings.region());
    props.put(prefix + ENDPOINT, settings.endpoint() == null ? ""
        : settings.endpoint().toString());
    props.put(prefix + PATH_STYLE, Boolean.toString(settings.pathStyleAccess()));
    if (settings.accessKeyId() != null) {
      props.put(prefix + ACCESS_KEY, settings.accessKeyId());
      props.put(prefix + SECRET_KEY, settings.secretAccessKey());
    }
    props.put(prefix + CHECKSUM, settings.checksum().name().toLowerCase(Locale.ROOT));
    props.put(prefix + RETRIES, Integer.toString(settings.retries()));
    props.put(prefix + RETRY_BACKOFF_MS, Long.toString(settings.retryBackoff().toMillis()));
    return props;
  }

  /** One of an enum's names, in any case; the message lists them in their declared order. */
  public static final class OneOf implements ConfigDef.Validator {
    private final java.util.List<String> names;

    public <E extends Enum<E>> OneOf(Class<E> type) {
      this.names = Arrays.stream(type.getEnumConstants())
          .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || !names.contains(((String) value).trim().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(name, value, "must be one of " + String.join(", ", names));
      }
    }

    @Override
    public String toString() {
      return String.join(", ", names);
    }
  }
}
