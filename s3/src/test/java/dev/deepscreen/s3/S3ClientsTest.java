package dev.deepscreen.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The clients' retries are the SDK's standard strategy with the configured attempts: an HTTP
 * server answers the first requests with 503 SlowDown, then 200.
 */
class S3ClientsTest {

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int failures;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      int n = requests.incrementAndGet();
      if (n <= failures) {
        byte[] body = ("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(503, "HEAD".equals(exchange.getRequestMethod()) ? -1
            : body.length);
        if (!"HEAD".equals(exchange.getRequestMethod())) {
          exchange.getResponseBody().write(body);
        }
      } else {
        exchange.sendResponseHeaders(200, -1);
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private S3ClientSettings settings(int retries) {
    return new S3ClientSettings("us-east-1", URI.create("http://127.0.0.1:"
        + server.getAddress().getPort()), true, "key", "secret", Checksum.WHEN_REQUIRED,
        retries, Duration.ofMillis(1), Duration.ofSeconds(10));
  }

  @Test
  void retryableFailuresAreRetriedUpToTheConfiguredRetries() {
    failures = 2;
    try (S3Connection s3 = S3Clients.open(settings(2))) {
      s3.client().headBucket(b -> b.bucket("audit"));
    }
    assertThat(requests).hasValue(3);
  }

  @Test
  void afterTheRetriesTheFailureReachesTheCaller() {
    failures = 5;
    try (S3Connection s3 = S3Clients.open(settings(1))) {
      assertThatThrownBy(() -> s3.client().headBucket(b -> b.bucket("audit")))
          .isInstanceOfSatisfying(S3Exception.class,
              e -> assertThat(e.statusCode()).isEqualTo(503));
    }
    assertThat(requests).hasValue(2);
  }

  @Test
  void theStrategyIsTheSdksStandardOneWithRetriesPlusOneAttempts() {
    assertThat(S3Clients.retryStrategy(0, Duration.ZERO).maxAttempts()).isEqualTo(1);
    assertThat(S3Clients.retryStrategy(3, Duration.ofMillis(200)).maxAttempts()).isEqualTo(4);
  }

  @Test
  void closingTwiceIsHarmless() {
    S3Connection s3 = S3Clients.open(settings(0));
    s3.close();
    s3.close();
  }
}
