package dev.deepscreen.connectors.s3.storage;

import dev.deepscreen.connectors.s3.S3SinkConfig;
import dev.deepscreen.s3.S3Clients;
import dev.deepscreen.s3.S3Connection;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket the sink writes to, through the project's S3 client ({@link S3Clients}): the SDK's
 * standard retry strategy retries each request ({@code s3.retries}, {@code s3.retry.backoff.ms});
 * what still fails is reported here, with the request and the bucket, as a failure that may pass
 * ({@link S3UnavailableException}) or one that needs a person.
 */
public final class S3Storage implements AutoCloseable {

  private final S3Client client;
  private final AutoCloseable owned;
  private final String bucket;

  /** A storage on a client the caller owns. */
  public S3Storage(S3Client client, String bucket) {
    this(client, null, bucket);
  }

  private S3Storage(S3Client client, AutoCloseable owned, String bucket) {
    this.client = client;
    this.owned = owned;
    this.bucket = bucket;
  }

  /** A storage for the configured bucket, endpoint and credentials. */
  public static S3Storage connect(S3SinkConfig config) {
    S3Connection connection = S3Clients.open(config.clientSettings());
    return new S3Storage(connection.client(), connection, config.bucket());
  }

  public String bucket() {
    return bucket;
  }

  S3Client client() {
    return client;
  }

  /** Starts an object that is published only by {@link S3OutputStream#commit()}. */
  public S3OutputStream create(String key, int partSize) {
    return new S3OutputStream(this, key, partSize);
  }

  /** Fails with a clear message when the bucket is missing or not accessible. */
  public void checkBucket() {
    call("head bucket", () -> client.headBucket(b -> b.bucket(bucket)));
  }

  /**
   * Runs an S3 request (the client retries it as configured); {@link S3ErrorPolicy} decides
   * what its final failure means.
   *
   * @throws S3UnavailableException when the failure may pass: the task rewinds and retries later
   * @throws ConnectException when it will not (access denied, no such bucket): the task fails
   */
  <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      String message = "S3 request failed: " + what + " in bucket " + bucket + ": "
          + e.getMessage();
      if (S3ErrorPolicy.isRetryable(e)) {
        throw new S3UnavailableException(message, e);
      }
      throw new ConnectException(message, e);
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new ConnectException("Cannot close the S3 client: " + e, e);
      }
    }
  }
}
