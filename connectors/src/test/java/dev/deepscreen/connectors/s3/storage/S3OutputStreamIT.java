package dev.deepscreen.connectors.s3.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.connectors.s3.S3SinkConfig;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Single PUTs and multipart uploads against a real S3 server. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3OutputStreamIT {

  private static final String BUCKET = "stream-it";
  private static final int PART = S3SinkConfig.MIN_PART_SIZE;
  private static S3ProxyServer s3;
  private static S3Storage storage;

  @BeforeAll
  static void start() {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    Map<String, String> props = s3.clientProperties("");
    props.put("s3.bucket.name", BUCKET);
    props.put("schema.registry.url", "mock://unused");
    storage = S3Storage.connect(new S3SinkConfig(props));
  }

  @AfterAll
  static void stop() {
    if (storage != null) {
      storage.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aSmallObjectIsOnePutAtCommit() {
    byte[] data = bytes(1000);
    S3OutputStream out = storage.create("small", PART);
    out.write(data, 0, data.length);
    out.close();
    assertThat(s3.keys(BUCKET, "small")).isEmpty();
    out.commit();
    assertThat(s3.objects(BUCKET, "small").get("small")).isEqualTo(data);
  }

  @Test
  void aLargeObjectIsUploadedInPartsAndPublishedAtCommit() {
    byte[] data = bytes(2 * PART + 12345);
    S3OutputStream out = storage.create("large", PART);
    for (int offset = 0; offset < data.length; offset += 100_000) {
      out.write(data, offset, Math.min(100_000, data.length - offset));
    }
    assertThat(s3.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads())
        .anySatisfy(u -> assertThat(u.key()).isEqualTo("large"));
    assertThat(s3.keys(BUCKET, "large")).isEmpty();
    out.commit();
    assertThat(s3.objects(BUCKET, "large").get("large")).isEqualTo(data);
    assertThat(s3.client().headObject(b -> b.bucket(BUCKET).key("large")).eTag())
        .endsWith("-2\"");
  }

  @Test
  void abortDropsTheParts() {
    byte[] data = bytes(PART + 1);
    S3OutputStream out = storage.create("aborted", PART);
    out.write(data, 0, data.length);
    out.abort();
    out.abort();
    assertThat(s3.keys(BUCKET, "aborted")).isEmpty();
    assertThat(s3.client().listMultipartUploads(b -> b.bucket(BUCKET)).uploads())
        .noneSatisfy(u -> assertThat(u.key()).isEqualTo("aborted"));
  }
}
