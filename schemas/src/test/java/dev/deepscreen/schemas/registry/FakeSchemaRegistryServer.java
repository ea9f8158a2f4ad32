package dev.deepscreen.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A Schema Registry for tests, reached over HTTP: the endpoints of the Confluent REST API v1 that
 * {@link HttpSchemaRegistryClient} calls, answered from an {@link InMemorySchemaRegistry}
 * (BACKWARD compatibility), with every request recorded and faults injected ahead of the next
 * requests.
 *
 * <p>It listens on 127.0.0.1 on a free port from construction until {@link #close()}:
 *
 * <pre>{@code
 * try (FakeSchemaRegistryServer server = new FakeSchemaRegistryServer()) {
 *   props.put(SchemaRegistryClientConfig.URL_CONFIG, server.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code GET /schemas/ids/{id}}, {@code POST /subjects/{subject}/versions} and
 * {@code POST /subjects/{subject}}. Any other answers 404; a body whose schema does not parse
 * answers 422 with error code 42201; the registry's refusals answer
 * {@code {"error_code": ..., "message": ...}} with their HTTP status.
 */
public final class FakeSchemaRegistryServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

  /** One request as received: {@code uri} is the raw path and query, {@code path} the raw path. */
  public record Request(String method, String uri, String path, Map<String, List<String>> headers,
      String body) {

    /** The first value of a header, its name compared ignoring case, or null when absent. */
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    /** The body read as JSON; an {@link AssertionError} when it is not JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("request body is not JSON: " + body, e);
      }
    }
  }

  /** A fault: answer with status and body, or drop the connection when status is 0. */
  private record Fault(int status, String body) {}

  private record Answer(int status, JsonNode body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body);
    }
  }

  private final InMemorySchemaRegistry registry;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Queue<Fault> faults = new ArrayDeque<>();
  private volatile long delayMs;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  /** Starts a server over an empty registry of its own. */
  public FakeSchemaRegistryServer() throws IOException {
    this(new InMemorySchemaRegistry());
  }

  /**
   * Starts a server over the given registry, for example one shared with {@code mock://} clients
   * through {@link InMemorySchemaRegistry#forScope(String)}.
   */
  public FakeSchemaRegistryServer(InMemorySchemaRegistry registry) throws IOException {
    this.registry = registry;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Its base URL, {@code http://127.0.0.1:<port>}, for {@code schema.registry.url}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The registry behind it, to pre-register schemas or inspect. */
  public InMemorySchemaRegistry registry() {
    return registry;
  }

  /** Every request received so far, in order, faulted ones included (a live, thread-safe list). */
  public List<Request> requests() {
    return requests;
  }

  /** Answers the next {@code times} requests with {@code status} and {@code body} as they are. */
  public synchronized void failNext(int times, int status, String body) {
    for (int i = 0; i < times; i++) {
      faults.add(new Fault(status, body));
    }
  }

  /** Closes the connection without an answer on the next {@code times} requests. */
  public synchronized void dropNext(int times) {
    failNext(times, 0, null);
  }

  /** Waits this long before handling each request from now on (0: no delay). */
  public void setDelayMs(long delayMs) {
    this.delayMs = delayMs;
  }

  /** Stops listening. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(exchange.getRequestMethod(),
          exchange.getRequestURI().toString(), exchange.getRequestURI().getRawPath(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      long delay = delayMs;
      if (delay > 0) {
        Thread.sleep(delay);
      }
      Fault fault;
      synchronized (this) {
        fault = faults.poll();
      }
      if (fault != null && fault.status() == 0) {
        return; // closing the exchange before any answer drops the connection
      }
      if (fault != null) {
        send(exchange, fault.status(), fault.body());
        return;
      }
      String[] path = Arrays.stream(exchange.getRequestURI().getRawPath().substring(1)
          .split("/")).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
          .toArray(String[]::new);
      Answer answer = answer(exchange.getRequestMethod(), path, body);
      send(exchange, answer.status(), answer.body().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Answer answer(String method, String[] path, String body) {
    try {
      return route(method, path, body);
    } catch (SchemaRegistryException e) {
      return error(e.httpStatus(), e.errorCode(), e.getMessage());
    } catch (SchemaParseException e) {
      return error(422, 42201, "Invalid schema: " + e.getMessage());
    } catch (RuntimeException e) {
      return error(500, 50001, "fake registry failed: " + e);
    }
  }

  private Answer route(String method, String[] p, String body) {
    if (method.equals("GET") && p.length == 3 && p[0].equals("schemas") && p[1].equals("ids")) {
      int id;
      try {
        id = Integer.parseInt(p[2]);
      } catch (NumberFormatException e) {
        return error(404, 40403, "Schema " + p[2] + " not found");
      }
      return Answer.ok(JSON.createObjectNode().put("schema", registry.schemaById(id).toString()));
    }
    if (method.equals("POST") && p.length == 3 && p[0].equals("subjects")
        && p[2].equals("versions")) {
      return Answer.ok(JSON.createObjectNode().put("id", registry.register(p[1], parse(body))));
    }
    if (method.equals("POST") && p.length == 2 && p[0].equals("subjects")) {
      return Answer.ok(version(registry.lookup(p[1], parse(body))));
    }
    return error(404, 404, "no such endpoint: " + method + " /" + String.join("/", p));
  }

  private static ObjectNode version(RegisteredSchema registered) {
    return JSON.createObjectNode().put("subject", registered.subject())
        .put("version", registered.version()).put("id", registered.id())
        .put("schema", registered.schema().toString());
  }

  /** The request body's schema; a {@link SchemaParseException} when it is not a valid one. */
  private static Schema parse(String body) {
    JsonNode schema;
    try {
      schema = JSON.readTree(body).get("schema");
    } catch (JsonProcessingException e) {
      throw new SchemaParseException("request body is not JSON: " + e.getOriginalMessage());
    }
    if (schema == null || !schema.isTextual()) {
      throw new SchemaParseException("request body has no \"schema\" string");
    }
    return new Schema.Parser().parse(schema.asText());
  }

  private static Answer error(int status, int code, String message) {
    return new Answer(status,
        JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
