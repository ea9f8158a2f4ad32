package dev.deepscreen.connectors.s3.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3StorageRetryTest {

  private final List<Long> waits = new ArrayList<>();
  private final S3Storage storage = new S3Storage(null, "audit", 3, 100, waits::add);

  private static S3Exception status(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
        .message(code).build();
  }

  @Test
  void serverErrorsThrottlingAndIoAreRetryable() {
    assertThat(S3ErrorPolicy.isRetryable(status(500, "InternalError"))).isTrue();
    assertThat(S3ErrorPolicy.isRetryable(status(503, "SlowDown"))).isTrue();
    assertThat(S3ErrorPolicy.isRetryable(status(429, "TooManyRequests"))).isTrue();
    assertThat(S3ErrorPolicy.isRetryable(status(400, "RequestTimeout"))).isTrue();
    assertThat(S3ErrorPolicy.isRetryable(SdkClientException.create("connection reset",
        new IOException("reset")))).isTrue();
  }

  @Test
  void clientErrorsAreFatal() {
    assertThat(S3ErrorPolicy.isRetryable(status(403, "AccessDenied"))).isFalse();
    assertThat(S3ErrorPolicy.isRetryable(NoSuchBucketException.builder().statusCode(404)
        .message("no bucket").build())).isFalse();
    assertThat(S3ErrorPolicy.isRetryable(SdkClientException.create("Unable to load credentials")))
        .isFalse();
    assertThat(S3ErrorPolicy.isRetryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void retriesWithDoublingBackoffUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String result = storage.call("put k", () -> {
      if (calls.incrementAndGet() < 3) {
        throw status(503, "SlowDown");
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(waits).containsExactly(100L, 200L);
  }

  @Test
  void givesUpAfterTheConfiguredRetries() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> storage.call("put k", () -> {
      calls.incrementAndGet();
      throw status(500, "InternalError");
    })).isInstanceOf(ConnectException.class)
        .hasMessageStartingWith("S3 request failed: put k in bucket audit (after 3 retries):");
    assertThat(calls).hasValue(4);
    assertThat(waits).containsExactly(100L, 200L, 400L);
  }

  @Test
  void doesNotRetryAFatalError() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> storage.call("put k", () -> {
      calls.incrementAndGet();
      throw status(403, "AccessDenied");
    })).isInstanceOf(ConnectException.class)
        .hasMessageStartingWith("S3 request failed: put k in bucket audit: AccessDenied");
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }
}
