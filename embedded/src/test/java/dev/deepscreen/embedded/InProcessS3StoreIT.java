package dev.deepscreen.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3Clients;
import dev.deepscreen.s3.S3Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3Proxy in its own class loader in this JVM, spoken to by the AWS SDK of the test. */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InProcessS3StoreIT {

  @Test
  void objectsPutThroughS3AreFilesUnderTheFolder(@TempDir Path dir) throws Exception {
    try (InProcessS3Store store = InProcessS3Store.start(Path.of("target/s3proxy/s3proxy.jar"),
        dir.resolve("s3"))) {
      store.createBucket("demo");
      assertThat(store.endpoint().getHost()).isEqualTo("127.0.0.1");
      try (S3Connection connection = client(store, InProcessS3Store.SECRET_KEY)) {
        S3Client s3 = connection.client();
        s3.headBucket(b -> b.bucket("demo"));
        s3.putObject(b -> b.bucket("demo").key("topics/verdicts/a.json"),
            RequestBody.fromString("{\"ok\": true}\n"));
        assertThat(s3.listObjectsV2(b -> b.bucket("demo").prefix("topics/")).contents())
            .extracting(o -> o.key()).containsExactly("topics/verdicts/a.json");
      }
      assertThat(Files.readString(dir.resolve("s3/demo/topics/verdicts/a.json"),
          StandardCharsets.UTF_8)).isEqualTo("{\"ok\": true}\n");
      try (S3Connection wrongKey = client(store, "not-the-secret")) {
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(S3Exception.class,
            () -> wrongKey.client().headBucket(b -> b.bucket("demo"))).statusCode())
            .isEqualTo(403);
      }
    }
  }

  private static S3Connection client(InProcessS3Store store, String secret) {
    S3ClientSettings settings = store.clientSettings();
    return S3Clients.open(new S3ClientSettings(settings.region(), settings.endpoint(),
        settings.pathStyleAccess(), settings.accessKeyId(), secret, settings.checksum(), 0,
        Duration.ZERO, null));
  }
}
