package dev.deepscreen.connectors.s3.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Which failures may pass, and what the storage reports once the client's own retries (the
 * SDK's, tested in the s3 module) are spent.
 */
class S3StorageRetryTest {

  private final S3Storage storage = new S3Storage(null, "audit");

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
  void aFailureThatMayPassAsksConnectToRetry() {
    assertThatThrownBy(() -> storage.call("put k", () -> {
      throw SdkClientException.create("Unable to execute HTTP request: Connection refused",
          new java.net.ConnectException("Connection refused"));
    })).isInstanceOf(S3UnavailableException.class).isInstanceOf(RetriableException.class)
        .hasMessage("S3 request failed: put k in bucket audit: Unable to execute HTTP request:"
            + " Connection refused");
    assertThatThrownBy(() -> storage.call("put k", () -> {
      throw status(503, "SlowDown");
    })).isInstanceOf(S3UnavailableException.class);
  }

  @Test
  void aRequestIsRunOnceHereAndItsFailureNamesTheRequestAndTheBucket() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> storage.call("put k", () -> {
      calls.incrementAndGet();
      throw status(403, "AccessDenied");
    })).isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
        .hasMessageStartingWith("S3 request failed: put k in bucket audit: AccessDenied");
    assertThat(calls).hasValue(1);
    assertThat(storage.call("put k", () -> "ok")).isEqualTo("ok");
  }
}
