package dev.deepscreen.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API v1, over the JDK's {@link HttpClient}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Server errors (5xx) and I/O failures (refused connections, timeouts) are tried again up
 *       to {@code schema.registry.retries} times, with an exponential backoff, each attempt on
 *       the next configured URL. Client errors (4xx) are never tried again: asking again cannot
 *       help.
 *   <li>Refusals become the typed {@link SchemaRegistryException} subclasses of
 *       {@link SchemaRegistryException#fromError}; nothing returns null.
 *   <li>Successful answers of {@link #register}, {@link #lookup} and {@link #schemaById} are cached
 *       for the life of the client, since ids and versions are immutable in the registry. Failures
 *       are never cached: the registry may accept later what it refused now.
 *   <li>Credentials in a URL's user info are only used for the Authorization header; they are
 *       never sent in the request URI nor written into error messages.
 *   <li>Redirects are not followed, so credentials never leave for another host.
 * </ul>
 * HTTPS uses the JVM's default trust store ({@code javax.net.ssl.trustStore}); there is nothing
 * to configure here. The client is thread-safe; after {@link #close()} every call throws
 * {@link IllegalStateException}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  static final String ACCEPT = "application/vnd.schemaregistry.v1+json,"
      + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_BODY_CHARS = 200;

  private record SubjectSchema(String subject, Schema schema) {}

  private final List<String> baseUrls;
  private final String authorization;
  private final Duration timeout;
  private final int retries;
  private final long backoffMs;
  private final long backoffMaxMs;
  private final LongConsumer sleeper;
  private final HttpClient http;
  // Sticky across calls so that, once a URL fails, later calls start from one that answered.
  private final AtomicInteger nextUrl = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, RegisteredSchema> lookedUp = new ConcurrentHashMap<>();

  public HttpSchemaRegistryClient(SchemaRegistryClientConfig config) {
    this(config, HttpSchemaRegistryClient::sleep);
  }

  HttpSchemaRegistryClient(SchemaRegistryClientConfig config, LongConsumer sleeper) {
    this.baseUrls = config.urls().stream().map(HttpSchemaRegistryClient::withoutUserInfo).toList();
    this.authorization = config.authorizationHeader();
    this.timeout =
        Duration.ofMillis(config.getInt(SchemaRegistryClientConfig.REQUEST_TIMEOUT_MS_CONFIG));
    this.retries = config.getInt(SchemaRegistryClientConfig.RETRIES_CONFIG);
    this.backoffMs = config.getLong(SchemaRegistryClientConfig.RETRY_BACKOFF_MS_CONFIG);
    this.backoffMaxMs = config.getLong(SchemaRegistryClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG);
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public int register(String subject, Schema schema) {
    ensureOpen();
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = registered.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("register schema under subject '" + subject + "'", "POST",
        "/subjects/" + segment(subject) + "/versions", schema);
    int id = requiredInt(answer, "id");
    registered.putIfAbsent(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    ensureOpen();
    SubjectSchema key = new SubjectSchema(subject, schema);
    RegisteredSchema cached = lookedUp.get(key);
    if (cached != null) {
      return cached;
    }
    String operation = "look up schema in subject '" + subject + "'";
    RegisteredSchema found = registeredSchema(operation, subject,
        send(operation, "POST", "/subjects/" + segment(subject), schema));
    lookedUp.putIfAbsent(key, found);
    schemasById.putIfAbsent(found.id(), found.schema());
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    ensureOpen();
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String operation = "get schema by id " + id;
    JsonNode answer = send(operation, "GET", "/schemas/ids/" + id, null);
    Schema schema = parse(operation, requiredText(answer, "schema"));
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  /** Idempotent. Java 17's HttpClient has nothing to close; its idle connections time out. */
  @Override
  public void close() {
    closed.set(true);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the schema registry client is closed");
    }
  }

  /**
   * Sends one request, trying again as the class documents, and returns the parsed 2xx answer.
   *
   * @param schema the body's schema, or null for a request without a body
   */
  private JsonNode send(String operation, String method, String path, Schema schema) {
    HttpRequest.BodyPublisher body = schema == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(
            JSON.createObjectNode().put("schema", schema.toString()).toString());
    long backoff = backoffMs;
    for (int attempt = 0; ; attempt++) {
      int urlIndex = Math.floorMod(nextUrl.get(), baseUrls.size());
      String base = baseUrls.get(urlIndex);
      String context = operation + " from " + base;
      SchemaRegistryException failure;
      try {
        HttpResponse<String> response = http.send(request(base + path, method, body, schema),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return parseAnswer(context, status, response.body());
        }
        failure = errorOf(context, status, response.body());
      } catch (IOException e) {
        failure = new SchemaRegistryException(
            context + ": cannot reach the registry: " + e.getMessage(), 0, 0, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(context + ": interrupted", 0, 0, e);
      }
      if (!failure.isRetryable() || attempt >= retries) {
        throw failure;
      }
      // Another thread may already have moved on; only move if nobody did.
      nextUrl.compareAndSet(urlIndex, (urlIndex + 1) % baseUrls.size());
      sleeper.accept(backoff);
      if (Thread.currentThread().isInterrupted()) {
        throw new SchemaRegistryException(context + ": interrupted while waiting to retry", 0, 0,
            failure);
      }
      backoff = Math.min(backoffMaxMs, backoff * 2);
    }
  }

  private HttpRequest request(String uri, String method, HttpRequest.BodyPublisher body,
      Schema schema) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri))
        .timeout(timeout)
        .header("Accept", ACCEPT)
        .method(method, body);
    if (schema != null) {
      builder.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private static JsonNode parseAnswer(String context, int status, String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JsonProcessingException e) {
      // Reported below with the body itself, which says more than the parser.
    }
    throw new SchemaRegistryException(context + ": the answer is not a JSON object: "
        + truncate(body), status, 0);
  }

  /** The typed error of a non-2xx answer, also when a proxy answered with a page, not JSON. */
  private static SchemaRegistryException errorOf(String context, int status, String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.path("error_code").isInt()) {
        return SchemaRegistryException.fromError(context, status, node.get("error_code").intValue(),
            node.path("message").asText(""));
      }
    } catch (JsonProcessingException e) {
      // Not JSON: a proxy or a load balancer answered, not the registry.
    }
    String message = body == null || body.isBlank() ? "(empty answer)" : truncate(body);
    return SchemaRegistryException.fromError(context, status, status, message);
  }

  private static RegisteredSchema registeredSchema(String operation, String subject, JsonNode n) {
    String answered = n.path("subject").asText(subject);
    return new RegisteredSchema(answered, requiredInt(n, "id"), requiredInt(n, "version"),
        parse(operation, requiredText(n, "schema")));
  }

  private static int requiredInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new SchemaRegistryException("the registry's answer has no integer '" + field + "': "
          + truncate(node.toString()), 200, 0);
    }
    return value.intValue();
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new SchemaRegistryException("the registry's answer has no text '" + field + "': "
          + truncate(node.toString()), 200, 0);
    }
    return value.textValue();
  }

  private static Schema parse(String operation, String schema) {
    try {
      // A new Parser each time: a Parser remembers the names it has seen and refuses redefinitions.
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(operation + ": the registry returned a schema that does not"
          + " parse: " + e.getMessage(), 200, 0, e);
    }
  }

  /** A subject as one path segment: URLEncoder writes spaces as '+', which paths do not decode. */
  private static String segment(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The base URL without user info (a credentials source only) and without a trailing slash. */
  static String withoutUserInfo(String url) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
    return uri.getScheme() + "://" + uri.getHost() + port + path;
  }

  private static String truncate(String text) {
    return text.length() <= MAX_ERROR_BODY_CHARS ? text : text.substring(0, MAX_ERROR_BODY_CHARS);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // The retry loop sees the restored flag and gives up.
      Thread.currentThread().interrupt();
    }
  }
}
