package dev.deepscreen.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The worker's REST API, as operators and deployment tooling use it. */
public final class ConnectRest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI url;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** A status code and a parsed JSON body. */
  public record Response(int status, JsonNode body) {}

  /** A client of the worker whose REST API listens at {@code url}, in this JVM or not. */
  public ConnectRest(URI url) {
    this.url = url;
  }

  public URI url() {
    return url;
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(url.resolve(path)).GET());
  }

  public Response put(String path, Object body) {
    return send(HttpRequest.newBuilder(url.resolve(path))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  public Response post(String path, Object body) {
    return send(HttpRequest.newBuilder(url.resolve(path))
        .header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** Creates or replaces a connector; IllegalStateException if the worker refuses it. */
  public void putConnector(String name, Map<String, String> config) {
    Response response = put("/connectors/" + name + "/config", config);
    if (response.status() / 100 != 2) {
      throw new IllegalStateException("Connector " + name + " refused: " + response);
    }
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Response(response.statusCode(),
          body == null || body.isBlank() ? null : JSON.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
