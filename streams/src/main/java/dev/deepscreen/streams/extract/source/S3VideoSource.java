package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3Clients;
import dev.deepscreen.s3.S3Connection;
import dev.deepscreen.core.media.VideoException.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Downloads {@code s3://bucket/key} URIs to a temporary file with the project's S3 client
 * ({@link S3Clients}), from AWS S3 or an S3-compatible store. The bucket must be on the allow-list when one is set (checked before any
 * request); an object larger than the size limit is refused from the length S3 announces, before
 * its body is read, and the limit is enforced again while reading.
 */
public final class S3VideoSource implements VideoSource {

  /** S3's bucket naming rules, plus the underscores of older buckets and other stores. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");

  /**
   * @param client how to reach the store (its timeout bounds each request and its retries)
   * @param allowedBuckets buckets videos may come from; empty allows every bucket the
   *     credentials can read
   * @param timeout time allowed for one download, connection included
   * @param maxBytes largest object accepted
   * @param tempDir folder for the downloaded copies
   */
  public record Settings(S3ClientSettings client, List<String> allowedBuckets, Duration timeout,
      long maxBytes, java.nio.file.Path tempDir) {
    public Settings {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(tempDir, "tempDir");
      allowedBuckets = List.copyOf(allowedBuckets);
    }
  }

  private final Settings settings;
  private final Set<String> allowedBuckets;
  private final S3Connection connection;

  public S3VideoSource(Settings settings) {
    this.settings = settings;
    this.allowedBuckets = Set.copyOf(settings.allowedBuckets());
    this.connection = S3Clients.open(settings.client().timeout() == null
        ? settings.client().withTimeout(settings.timeout()) : settings.client());
  }

  @Override
  public List<String> schemes() {
    return List.of("s3");
  }

  @Override
  public FetchedVideo fetch(URI uri) throws VideoException {
    String bucket = uri.getRawAuthority();
    if (uri.isOpaque() || bucket == null) {
      throw new VideoException(Kind.REJECTED, "Not an s3://bucket/key URI: " + uri);
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new VideoException(Kind.REJECTED, "Not a valid S3 bucket name: " + bucket);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new VideoException(Kind.REJECTED, "An s3: URI takes no query or fragment (encode ?"
          + " and # in a key as %3F and %23): " + uri);
    }
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (key.isEmpty()) {
      throw new VideoException(Kind.REJECTED, "The URI names no object in bucket " + bucket);
    }
    if (!allowedBuckets.isEmpty() && !allowedBuckets.contains(bucket)) {
      throw new VideoException(Kind.REJECTED, "Bucket " + bucket + " is not on the allow-list");
    }
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    ResponseInputStream<GetObjectResponse> in = get(bucket, key);
    boolean complete = false;
    try {
      Long length = in.response().contentLength();
      if (length != null && length > settings.maxBytes()) {
        throw new VideoException(Kind.REJECTED, "The object has " + length + " bytes, more than"
            + " the limit of " + settings.maxBytes());
      }
      FetchedVideo video = Downloads.save(in, settings.tempDir(), settings.maxBytes(), deadline,
          settings.timeout());
      complete = true;
      return video;
    } finally {
      if (!complete) {
        in.abort(); // closing unread would download the rest to reuse the connection
      }
      try {
        in.close();
      } catch (java.io.IOException e) {
        // The body is read or abandoned: nothing is lost.
      }
    }
  }

  private ResponseInputStream<GetObjectResponse> get(String bucket, String key)
      throws VideoException {
    String name = "s3://" + bucket + "/" + key;
    try {
      return connection.client().getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new VideoException(Kind.UNREADABLE, "No such object: " + name, e);
    } catch (NoSuchBucketException e) {
      throw new VideoException(Kind.UNREADABLE, "No such bucket: " + bucket, e);
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 403) {
        throw new VideoException(Kind.UNREADABLE, "Access to " + name + " is denied"
            + (code == null ? "" : " (" + code + ")"), e);
      }
      throw new VideoException(Kind.UNREADABLE, "S3 cannot give " + name + ": HTTP "
          + e.statusCode() + (code == null ? "" : " " + code), e);
    } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
      throw new VideoException(Kind.TIMED_OUT, "No answer from S3 for " + name + " within "
          + settings.timeout().toMillis() + " ms", e);
    } catch (SdkClientException e) {
      throw new VideoException(Kind.UNREADABLE, "Cannot reach S3 for " + name + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
