package dev.deepscreen.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a store: what {@link S3Clients} builds a client from. Read from settings by
 * {@link S3ClientConfig#settings}; tests and the embedded mode make one for their S3Proxy.
 *
 * @param region the buckets' region, also used to sign requests to an endpoint
 * @param endpoint an S3-compatible store's endpoint, or null for AWS S3
 * @param pathStyleAccess address buckets as {@code host/bucket} rather than {@code bucket.host}
 * @param accessKeyId static credentials with {@code secretAccessKey}, or null for the AWS
 *     default credentials chain
 * @param secretAccessKey the secret of {@code accessKeyId}, or null
 * @param checksum when uploads carry a checksum
 * @param retries retries of a request after a retryable failure, by the SDK's standard
 *     strategy (so {@code retries + 1} attempts)
 * @param retryBackoff the base of the strategy's exponential backoff (with jitter)
 * @param timeout time allowed for one call, its retries included, and for connecting and each
 *     read; null for the SDK's defaults
 */
public record S3ClientSettings(String region, URI endpoint, boolean pathStyleAccess,
    String accessKeyId, String secretAccessKey, Checksum checksum, int retries,
    Duration retryBackoff, Duration timeout) {

  /** When the SDK adds a checksum to uploads. */
  public enum Checksum {
    /** The SDK's default: a CRC32 with every upload, in an aws-chunked body with a trailer. */
    WHEN_SUPPORTED,
    /** Only where S3 demands one: for stores that mishandle the trailer (S3Proxy 4.1.0). */
    WHEN_REQUIRED
  }

  public S3ClientSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException("set both the access key id and the secret, or"
          + " neither");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("negative retries " + retries);
    }
  }

  /** The same settings with another timeout. */
  public S3ClientSettings withTimeout(Duration timeout) {
    return new S3ClientSettings(region, endpoint, pathStyleAccess, accessKeyId, secretAccessKey,
        checksum, retries, retryBackoff, timeout);
  }

  /** The same settings with other retries. */
  public S3ClientSettings withRetries(int retries, Duration retryBackoff) {
    return new S3ClientSettings(region, endpoint, pathStyleAccess, accessKeyId, secretAccessKey,
        checksum, retries, retryBackoff, timeout);
  }

  @Override
  public String toString() {
    return "S3ClientSettings[region=" + region + ", endpoint=" + endpoint + ", pathStyleAccess="
        + pathStyleAccess + ", accessKeyId=" + (accessKeyId == null ? "(default chain)"
        : "[hidden]") + ", checksum=" + checksum + ", retries=" + retries + ", retryBackoff="
        + retryBackoff + ", timeout=" + timeout + "]";
  }
}
