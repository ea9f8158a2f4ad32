package dev.deepscreen.connectors.s3.storage;

import dev.deepscreen.connectors.s3.S3SinkConfig;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The bucket the sink writes to: an S3 client whose requests go through one retry loop. The
 * SDK's own retries are switched off so that {@link S3ErrorPolicy} alone decides what is retried
 * and the configured retries and backoff are the only ones.
 */
public final class S3Storage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

  /** Waits between retries; a seam for tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final S3Client client;
  private final AwsCredentialsProvider credentials;
  private final String bucket;
  private final int retries;
  private final long backoffMs;
  private final Sleeper sleeper;

  public S3Storage(S3Client client, String bucket, int retries, long backoffMs, Sleeper sleeper) {
    this(client, null, bucket, retries, backoffMs, sleeper);
  }

  private S3Storage(S3Client client, AwsCredentialsProvider credentials, String bucket,
      int retries, long backoffMs, Sleeper sleeper) {
    this.client = client;
    this.credentials = credentials;
    this.bucket = bucket;
    this.retries = retries;
    this.backoffMs = backoffMs;
    this.sleeper = sleeper;
  }

  /** A storage for the configured bucket, endpoint and credentials. */
  public static S3Storage connect(S3SinkConfig config) {
    AwsCredentialsProvider credentials = config.accessKeyId() == null
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(
            config.accessKeyId().value(), config.secretAccessKey().value()));
    return new S3Storage(client(config, credentials), credentials, config.bucket(),
        config.retries(), config.retryBackoffMs(), Thread::sleep);
  }

  private static S3Client client(S3SinkConfig config, AwsCredentialsProvider credentials) {
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(Apache5HttpClient.builder())
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(config.pathStyleAccess()).build())
        .requestChecksumCalculation(config.checksumWhenRequiredOnly()
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (config.storeUrl() != null) {
      builder.endpointOverride(config.storeUrl());
    }
    return builder.build();
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
   * Runs an S3 request, trying a retryable failure again up to the configured retries with a
   * doubling backoff.
   *
   * @throws ConnectException when the request fails for good; the task then stops and, once
   *     restarted, resumes from the last object written
   */
  <T> T call(String what, Supplier<T> request) {
    long wait = backoffMs;
    for (int attempt = 0; ; attempt++) {
      try {
        return request.get();
      } catch (RuntimeException e) {
        if (!S3ErrorPolicy.isRetryable(e) || attempt >= retries) {
          throw new ConnectException("S3 request failed: " + what + " in bucket " + bucket
              + (attempt > 0 ? " (after " + attempt + " retries)" : "") + ": " + e.getMessage(),
              e);
        }
        log.warn("S3 request failed, retry {} of {} in {} ms: {}: {}", attempt + 1, retries,
            wait, what, e.toString());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ConnectException("Interrupted while waiting to retry " + what, interrupted);
        }
        wait = Math.min(wait * 2, 60_000L);
      }
    }
  }

  @Override
  public void close() {
    client.close();
    // The client does not close a provider it was given; the default chain may hold a
    // refreshing container or instance-profile provider.
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }
}
