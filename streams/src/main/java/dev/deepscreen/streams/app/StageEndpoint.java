package dev.deepscreen.streams.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP endpoint of a stage process, for Kubernetes probes and Prometheus: {@code GET
 * /health/live} (200 unless a stage failed), {@code GET /health/ready} (200 when every stage is
 * RUNNING, else 503) and {@code GET /metrics} (the process's Prometheus registry in the text
 * format: the pipeline's metrics, Kafka Streams' and its clients', the JVM's and the process's).
 * Served by the JDK's HTTP server on one thread: probes and scrapes are rare.
 */
public final class StageEndpoint implements AutoCloseable {

  /** What {@link PrometheusMeterRegistry#scrape()} writes: the text format, version 0.0.4. */
  private static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private StageEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving the process's stages on all interfaces.
   *
   * @param port the port; 0 for any free one
   * @throws IOException if the port cannot be bound
   */
  public static StageEndpoint start(int port, StageProcess process,
      PrometheusMeterRegistry meters) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/health/live", exchange -> {
      boolean failed = process.stages().stream().anyMatch(s -> {
        KafkaStreams.State state = s.streams().state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
      });
      respond(exchange, failed ? 503 : 200, "text/plain; charset=utf-8",
          failed ? "a stage failed\n" : "live\n");
    });
    server.createContext("/health/ready", exchange -> {
      StringBuilder states = new StringBuilder();
      process.stages().forEach(s -> states.append(s.name()).append(' ')
          .append(s.streams().state()).append('\n'));
      respond(exchange, process.ready() ? 200 : 503, "text/plain; charset=utf-8",
          states.toString());
    });
    // Scraped into memory first, so that a failure while writing is no truncated 200.
    server.createContext("/metrics", exchange ->
        respond(exchange, 200, METRICS_CONTENT_TYPE, meters.scrape()));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "deepscreen-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
    return new StageEndpoint(server, executor);
  }

  /** The port served, useful when 0 was asked for. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String contentType,
      String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
