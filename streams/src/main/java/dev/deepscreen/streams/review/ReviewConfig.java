package dev.deepscreen.streams.review;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The review server's own settings ({@code review.*}). It also reads the Kafka client and
 * registry settings every command reads, and the extraction stage's {@code extract.*} settings,
 * whose source checks and decoding limits it applies to the videos it renders.
 */
public final class ReviewConfig extends AbstractConfig {

  public static final String BIND_ADDRESS_CONFIG = "review.bind.address";
  public static final String PORT_CONFIG = "review.port";
  public static final String USERS_CONFIG = "review.users";
  public static final String SESSION_TIMEOUT_MS_CONFIG = "review.session.timeout.ms";
  public static final String COOKIE_SECURE_CONFIG = "review.cookie.secure";
  public static final String LOGIN_MAX_FAILURES_CONFIG = "review.login.max.failures";
  public static final String LOGIN_FAILURE_WINDOW_MS_CONFIG = "review.login.failure.window.ms";
  public static final String TRUSTED_PROXIES_CONFIG = "review.trusted.proxies";
  public static final String QUEUE_PAGE_SIZE_CONFIG = "review.queue.page.size";
  public static final String FRAMES_PER_CASE_CONFIG = "review.frames.per.case";
  public static final String RENDER_THREADS_CONFIG = "review.render.threads";
  public static final String RENDER_CACHE_CASES_CONFIG = "review.render.cache.cases";
  public static final String EVIDENCE_MAX_RECORDS_CONFIG = "review.evidence.max.records";
  public static final String SEND_TIMEOUT_MS_CONFIG = "review.send.timeout.ms";

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(BIND_ADDRESS_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(),
          Importance.HIGH, "Address the server listens on. The default, loopback, serves this"
              + " machine only; set 0.0.0.0 (all interfaces) only behind a TLS proxy.")
      .define(PORT_CONFIG, Type.INT, 8090, Range.between(0, 65535), Importance.MEDIUM,
          "Port the server listens on; 0 picks a free one (printed at start).")
      .define(USERS_CONFIG, Type.LIST, "", Importance.HIGH, "The reviewers who may log in:"
          + " name:hash entries, where hash is what 'deepscreen review hash-password' prints"
          + " (PBKDF2-HMAC-SHA256). There is no default reviewer: the server refuses to start"
          + " without one. Set it in the settings file or DEEPSCREEN_REVIEW_USERS.")
      .define(SESSION_TIMEOUT_MS_CONFIG, Type.LONG, Duration.ofMinutes(30).toMillis(),
          Range.between(60_000L, Duration.ofDays(1).toMillis()), Importance.MEDIUM,
          "A session idle this long is logged out.")
      .define(COOKIE_SECURE_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, "Mark the session"
          + " cookie Secure, so browsers send it over HTTPS only. Set true behind a TLS proxy.")
      .define(LOGIN_MAX_FAILURES_CONFIG, Type.INT, 5, Range.between(1, 100), Importance.MEDIUM,
          "Failed logins for one reviewer name, or from one remote address, within "
              + LOGIN_FAILURE_WINDOW_MS_CONFIG + " after which further logins for that name or"
              + " from that address are refused (HTTP 429, the password unchecked) until the"
              + " oldest of them is older than the window. A successful login clears its"
              + " name's count. Behind a proxy every request comes from the proxy's address,"
              + " so the address limit applies to all reviewers together unless the proxy is"
              + " named in " + TRUSTED_PROXIES_CONFIG + ".")
      .define(LOGIN_FAILURE_WINDOW_MS_CONFIG, Type.LONG, Duration.ofMinutes(15).toMillis(),
          Range.between(1_000L, Duration.ofDays(1).toMillis()), Importance.MEDIUM,
          "How long a failed login counts towards " + LOGIN_MAX_FAILURES_CONFIG + ".")
      .define(TRUSTED_PROXIES_CONFIG, Type.LIST, "", (name, value) -> {
        try {
          ClientAddress.blocks(listOf(value));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, e.getMessage());
        }
      }, Importance.MEDIUM, "Reverse proxies (an Ingress controller), as addresses or CIDR"
          + " blocks, whose X-Forwarded-For header is believed for the client's address (login"
          + " throttling, logs): the right-most entry that is not itself such a proxy. Empty"
          + " (the default): the connection's peer is the client, and the header is ignored."
          + " Name only proxies that set the header themselves, or anyone can claim any address.")
      .define(QUEUE_PAGE_SIZE_CONFIG, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
          "Cases listed on one queue page.")
      .define(FRAMES_PER_CASE_CONFIG, Type.INT, 4, Range.between(1, 32), Importance.LOW,
          "Suspicious frames rendered on a case page, the most suspicious first.")
      .define(RENDER_THREADS_CONFIG, Type.INT, 2, Range.between(1, 64), Importance.LOW,
          "Videos decoded at the same time for case pages.")
      .define(RENDER_CACHE_CASES_CONFIG, Type.INT, 16, Range.between(1, 1000), Importance.LOW,
          "Cases whose rendered frames are kept in memory.")
      .define(EVIDENCE_MAX_RECORDS_CONFIG, Type.INT, 200_000, Range.atLeast(1), Importance.LOW,
          "Most records read from face-scores and extraction-summaries to assemble one case's"
              + " evidence (the event's partition, from its submission on).")
      .define(SEND_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(1_000L, 300_000L),
          Importance.LOW, "Time allowed for the cluster to acknowledge a decision before the"
              + " reviewer is told it was not saved.");

  private final Reviewers reviewers;

  public ReviewConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    List<String> users = getList(USERS_CONFIG);
    if (users.isEmpty()) {
      throw new ConfigException(USERS_CONFIG + " is empty: the review server needs at least one"
          + " reviewer (name:hash, the hash from 'deepscreen review hash-password'), in the"
          + " settings file or DEEPSCREEN_REVIEW_USERS; there is no default login");
    }
    try {
      this.reviewers = Reviewers.parse(users);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(USERS_CONFIG, "[hidden]", e.getMessage());
    }
  }

  /** The definitions, for documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public String bindAddress() {
    return getString(BIND_ADDRESS_CONFIG);
  }

  public int port() {
    return getInt(PORT_CONFIG);
  }

  public Reviewers reviewers() {
    return reviewers;
  }

  public Duration sessionTimeout() {
    return Duration.ofMillis(getLong(SESSION_TIMEOUT_MS_CONFIG));
  }

  public boolean cookieSecure() {
    return getBoolean(COOKIE_SECURE_CONFIG);
  }

  public int loginMaxFailures() {
    return getInt(LOGIN_MAX_FAILURES_CONFIG);
  }

  public Duration loginFailureWindow() {
    return Duration.ofMillis(getLong(LOGIN_FAILURE_WINDOW_MS_CONFIG));
  }

  /** Who a request comes from, believing the trusted proxies' X-Forwarded-For. */
  ClientAddress clientAddress() {
    return new ClientAddress(ClientAddress.blocks(getList(TRUSTED_PROXIES_CONFIG)));
  }

  @SuppressWarnings("unchecked")
  private static List<String> listOf(Object value) {
    return value == null ? List.of() : (List<String>) value;
  }

  public int queuePageSize() {
    return getInt(QUEUE_PAGE_SIZE_CONFIG);
  }

  public int framesPerCase() {
    return getInt(FRAMES_PER_CASE_CONFIG);
  }

  public int renderThreads() {
    return getInt(RENDER_THREADS_CONFIG);
  }

  public int renderCacheCases() {
    return getInt(RENDER_CACHE_CASES_CONFIG);
  }

  public int evidenceMaxRecords() {
    return getInt(EVIDENCE_MAX_RECORDS_CONFIG);
  }

  public Duration sendTimeout() {
    return Duration.ofMillis(getLong(SEND_TIMEOUT_MS_CONFIG));
  }
}
