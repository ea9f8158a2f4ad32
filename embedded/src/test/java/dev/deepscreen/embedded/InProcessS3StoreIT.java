package dev.deepscreen.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
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
      try (S3Client s3 = client(store, InProcessS3Store.SECRET_KEY)) {
        s3.headBucket(b -> b.bucket("demo"));
        s3.putObject(b -> b.bucket("demo").key("topics/verdicts/a.json"),
            RequestBody.fromString("{\"ok\": true}\n"));
        assertThat(s3.listObjectsV2(b -> b.bucket("demo").prefix("topics/")).contents())
            .extracting(o -> o.key()).containsExactly("topics/verdicts/a.json");
      }
      assertThat(Files.readString(dir.resolve("s3/demo/topics/verdicts/a.json"),
          StandardCharsets.UTF_8)).isEqualTo("{\"ok\": true}\n");
      try (S3Client wrongKey = client(store, "not-the-secret")) {
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(S3Exception.class,
            () -> wrongKey.headBucket(b -> b.bucket("demo"))).statusCode()).isEqualTo(403);
      }
    }
  }

  private static S3Client client(InProcessS3Store store, String secret) {
    return S3Client.builder().endpointOverride(store.endpoint())
        .region(Region.of(InProcessS3Store.REGION)).forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(InProcessS3Store.ACCESS_KEY, secret)))
        .build();
  }
}
