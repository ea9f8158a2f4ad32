package dev.deepscreen.s3;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the S3 clients of the project, all the same way: the Apache 5 HTTP client, the
 * configured region, endpoint, addressing, credentials and checksums, and the SDK's standard
 * retry strategy (5xx, throttling and I/O failures are retried) with the configured attempts and
 * backoff.
 */
public final class S3Clients {

  /** The longest wait between two attempts of one request. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  private S3Clients() {}

  /** A client for these settings, with the credentials provider it owns. */
  public static S3Connection open(S3ClientSettings settings) {
    AwsCredentialsProvider credentials = settings.accessKeyId() == null
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
            settings.secretAccessKey()));
    Apache5HttpClient.Builder http = Apache5HttpClient.builder();
    if (settings.timeout() != null) {
      http.connectionTimeout(settings.timeout()).socketTimeout(settings.timeout());
    }
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(settings.pathStyleAccess())
        .httpClientBuilder(http)
        .requestChecksumCalculation(
            settings.checksum() == S3ClientSettings.Checksum.WHEN_REQUIRED
                ? RequestChecksumCalculation.WHEN_REQUIRED
                : RequestChecksumCalculation.WHEN_SUPPORTED)
        .overrideConfiguration(o -> {
          o.retryStrategy(retryStrategy(settings.retries(), settings.retryBackoff()));
          if (settings.timeout() != null) {
            // Bounds a request and its retries up to the first byte of a response body.
            o.apiCallTimeout(settings.timeout());
          }
        });
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return new S3Connection(builder.build(), credentials);
  }

  /**
   * The SDK's standard strategy with {@code retries + 1} attempts and an exponential backoff
   * (full jitter) from {@code backoff}, for throttling as for other failures.
   */
  static RetryStrategy retryStrategy(int retries, Duration backoff) {
    BackoffStrategy exponential = backoff.isZero() ? BackoffStrategy.retryImmediately()
        : BackoffStrategy.exponentialDelay(backoff, max(backoff, MAX_BACKOFF));
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(retries + 1)
        .backoffStrategy(exponential)
        .throttlingBackoffStrategy(exponential)
        .build();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
