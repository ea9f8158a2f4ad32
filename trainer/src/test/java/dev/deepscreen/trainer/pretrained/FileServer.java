package dev.deepscreen.trainer.pretrained;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on the loopback interface for one test: serves {@link #content} at {@link
 * #PATH} with single byte ranges as RFC 9110 has them, answers 404 to any other path unless a
 * test adds a handler, and records every request.
 */
final class FileServer implements AutoCloseable {
  static final String PATH = "/weights.bin";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  /** A request as the server saw it; {@code range} is null when there was no Range header. */
  record Request(String path, String range) {}

  final byte[] content;
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  FileServer(byte[] content) throws IOException {
    this.content = content;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Handlers that block (a stalled body) must not hold up the next request.
    server.setExecutor(handlers);
    handle("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    handle(PATH, exchange -> serve(exchange, true, Long.MAX_VALUE));
    server.start();
  }

  /** Replaces the handler of {@code path} (and of the paths below it without their own). */
  void handle(String path, HttpHandler handler) {
    try {
      server.removeContext(path);
    } catch (IllegalArgumentException e) {
      // Not there yet.
    }
    server.createContext(path, exchange -> {
      requests.add(new Request(exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Range")));
      handler.handle(exchange);
    });
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Answers with the content: the range asked for when {@code ranges} (206, or 416 past the
   * end), capped at {@code maxLength} bytes as a server may; else the whole content (200).
   */
  void serve(HttpExchange exchange, boolean ranges, long maxLength) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    Matcher matcher = range == null ? null : RANGE.matcher(range);
    if (!ranges || matcher == null || !matcher.matches()) {
      exchange.sendResponseHeaders(200, content.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(content);
      }
      return;
    }
    long start = Long.parseLong(matcher.group(1));
    if (start >= content.length) {
      exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
      exchange.sendResponseHeaders(416, -1);
      exchange.close();
      return;
    }
    long last = matcher.group(2).isEmpty() ? content.length - 1
        : Math.min(content.length - 1, Long.parseLong(matcher.group(2)));
    last = start + Math.min(last - start + 1, maxLength) - 1;
    exchange.getResponseHeaders().set("Content-Range",
        "bytes " + start + "-" + last + "/" + content.length);
    exchange.sendResponseHeaders(206, last - start + 1);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content, (int) start, (int) (last - start + 1));
    }
  }

  /** A 302 to {@code path} on this server. */
  HttpHandler redirectTo(String path) {
    return exchange -> {
      exchange.getResponseHeaders().set("Location", uri(path).toString());
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    };
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
