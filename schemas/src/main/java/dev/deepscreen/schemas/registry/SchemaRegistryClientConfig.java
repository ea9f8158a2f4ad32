package dev.deepscreen.schemas.registry;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the Schema Registry. The property names are Confluent's where Confluent has one, so
 * an existing client configuration works unchanged.
 */
public class SchemaRegistryClientConfig extends AbstractConfig {

  public static final String URL_CONFIG = "schema.registry.url";
  private static final String URL_DOC = "Comma-separated base URLs of the Schema Registry, tried in"
      + " turn when one cannot be reached; or a single mock://<scope> URL for a registry held in this"
      + " process (embedded mode and tests), shared by every client of the same scope.";

  public static final String BASIC_AUTH_SOURCE_CONFIG = "basic.auth.credentials.source";
  private static final String BASIC_AUTH_SOURCE_DOC = "Where HTTP basic credentials come from:"
      + " USER_INFO (basic.auth.user.info), URL (the user info part of the URL), or empty for none.";

  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
  private static final String BASIC_AUTH_USER_INFO_DOC = "Basic credentials as user:password,"
      + " used when basic.auth.credentials.source is USER_INFO.";

  public static final String BEARER_AUTH_SOURCE_CONFIG = "bearer.auth.credentials.source";
  private static final String BEARER_AUTH_SOURCE_DOC = "Where a bearer token comes from:"
      + " STATIC_TOKEN (bearer.auth.token), or empty for none.";

  public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
  private static final String BEARER_AUTH_TOKEN_DOC = "The bearer token sent in the Authorization"
      + " header when bearer.auth.credentials.source is STATIC_TOKEN.";

  public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";
  private static final String REQUEST_TIMEOUT_MS_DOC = "Time allowed for connecting to the registry"
      + " and for each request's answer.";

  public static final String RETRIES_CONFIG = "schema.registry.retries";
  private static final String RETRIES_DOC = "How many times a request is tried again after a server"
      + " error (5xx) or an I/O failure. Client errors (4xx) are never retried.";

  public static final String RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";
  private static final String RETRY_BACKOFF_MS_DOC = "Wait before the first retry; doubled after"
      + " each further failure, up to schema.registry.retry.backoff.max.ms.";

  public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "schema.registry.retry.backoff.max.ms";
  private static final String RETRY_BACKOFF_MAX_MS_DOC = "Longest wait between two retries.";

  public static final String MOCK_SCHEME = "mock";

  /** The definitions of this class, for configurations that extend it. */
  public static ConfigDef configDef() {
    return new ConfigDef()
        .define(URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
            new RegistryUrls(), Importance.HIGH, URL_DOC)
        .define(BASIC_AUTH_SOURCE_CONFIG, Type.STRING, "",
            ValidString.in("", "USER_INFO", "URL"), Importance.MEDIUM, BASIC_AUTH_SOURCE_DOC)
        .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
            BASIC_AUTH_USER_INFO_DOC)
        .define(BEARER_AUTH_SOURCE_CONFIG, Type.STRING, "",
            ValidString.in("", "STATIC_TOKEN"), Importance.MEDIUM, BEARER_AUTH_SOURCE_DOC)
        .define(BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
            BEARER_AUTH_TOKEN_DOC)
        .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, 10_000, ConfigDef.Range.atLeast(1),
            Importance.LOW, REQUEST_TIMEOUT_MS_DOC)
        .define(RETRIES_CONFIG, Type.INT, 3, ConfigDef.Range.between(0, 100), Importance.LOW,
            RETRIES_DOC)
        .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, ConfigDef.Range.atLeast(0),
            Importance.LOW, RETRY_BACKOFF_MS_DOC)
        .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(0),
            Importance.LOW, RETRY_BACKOFF_MAX_MS_DOC);
  }

  public SchemaRegistryClientConfig(Map<?, ?> props) {
    this(configDef(), props);
  }

  protected SchemaRegistryClientConfig(ConfigDef definition, Map<?, ?> props) {
    super(definition, props, false);
    validateAcrossFields();
  }

  /** Accepts a non-empty list of http(s) URLs, or mock:// URLs (refused in a list, see below). */
  private static final class RegistryUrls implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      List<?> urls = (List<?>) value;
      if (urls == null || urls.isEmpty()) {
        throw new ConfigException(name, value, "at least one registry URL is required");
      }
      urls.forEach(url -> checkUrl(name, String.valueOf(url)));
    }

    @Override
    public String toString() {
      return "http(s)://host:port[,...] or mock://<scope>";
    }
  }

  private static void checkUrl(String name, String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, url, "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme();
    if (MOCK_SCHEME.equals(scheme)) {
      return;
    }
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new ConfigException(name, url, "the scheme must be http, https or mock");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(name, url, "the URL has no host");
    }
  }

  private void validateAcrossFields() {
    List<String> urls = urls();
    boolean mock = urls.stream().anyMatch(u -> u.startsWith(MOCK_SCHEME + "://"));
    if (mock && urls.size() > 1) {
      throw new ConfigException(URL_CONFIG, String.join(",", urls),
          "a mock:// URL cannot be combined with other registry URLs");
    }
    String basicSource = getString(BASIC_AUTH_SOURCE_CONFIG);
    String bearerSource = getString(BEARER_AUTH_SOURCE_CONFIG);
    if (!basicSource.isEmpty() && !bearerSource.isEmpty()) {
      throw new ConfigException(BEARER_AUTH_SOURCE_CONFIG, bearerSource,
          "basic and bearer authentication cannot both be set; choose one");
    }
    if ("USER_INFO".equals(basicSource)) {
      Password info = getPassword(BASIC_AUTH_USER_INFO_CONFIG);
      if (info == null || !info.value().contains(":")) {
        throw new ConfigException(BASIC_AUTH_USER_INFO_CONFIG, "[hidden]",
            "USER_INFO authentication needs basic.auth.user.info as user:password");
      }
    }
    if ("URL".equals(basicSource) && urls.stream().map(URI::create)
        .anyMatch(u -> u.getRawUserInfo() == null)) {
      throw new ConfigException(URL_CONFIG, String.join(",", urls),
          "URL authentication needs user:password@ in every registry URL");
    }
    if ("STATIC_TOKEN".equals(bearerSource)) {
      Password token = getPassword(BEARER_AUTH_TOKEN_CONFIG);
      if (token == null || token.value().isBlank()) {
        throw new ConfigException(BEARER_AUTH_TOKEN_CONFIG, "[hidden]",
            "STATIC_TOKEN authentication needs bearer.auth.token");
      }
    }
    if (getLong(RETRY_BACKOFF_MAX_MS_CONFIG) < getLong(RETRY_BACKOFF_MS_CONFIG)) {
      throw new ConfigException(RETRY_BACKOFF_MAX_MS_CONFIG, getLong(RETRY_BACKOFF_MAX_MS_CONFIG),
          "must be at least " + RETRY_BACKOFF_MS_CONFIG + " (" + getLong(RETRY_BACKOFF_MS_CONFIG)
              + ")");
    }
  }

  /** The configured URLs, trimmed, in order. */
  public List<String> urls() {
    return getList(URL_CONFIG).stream().map(String::trim).toList();
  }

  /** The scope of a mock:// URL, or null when the registry is remote. */
  public String mockScope() {
    List<String> urls = urls();
    if (urls.size() == 1 && urls.get(0).startsWith(MOCK_SCHEME + "://")) {
      return urls.get(0).substring((MOCK_SCHEME + "://").length());
    }
    return null;
  }

  /**
   * The value of the Authorization header, or null when no authentication is configured. For the
   * URL source, the user info of the first URL is used: all URLs point at one registry cluster.
   */
  public String authorizationHeader() {
    String basicSource = getString(BASIC_AUTH_SOURCE_CONFIG);
    String userInfo = switch (basicSource) {
      case "USER_INFO" -> getPassword(BASIC_AUTH_USER_INFO_CONFIG).value();
      case "URL" -> java.net.URLDecoder.decode(URI.create(urls().get(0)).getRawUserInfo(),
          java.nio.charset.StandardCharsets.UTF_8);
      default -> null;
    };
    if (userInfo != null) {
      return "Basic " + java.util.Base64.getEncoder()
          .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if ("STATIC_TOKEN".equals(getString(BEARER_AUTH_SOURCE_CONFIG))) {
      return "Bearer " + getPassword(BEARER_AUTH_TOKEN_CONFIG).value();
    }
    return null;
  }
}
