package dev.deepscreen.streams.extract.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the S3 source decides before S3 answers. Fetching real objects is tested against S3Proxy
 * in {@code ExtractFromS3IT}.
 */
class S3VideoSourceTest {

  @TempDir
  Path dir;

  private S3VideoSource source(URI endpoint, List<String> buckets, Duration timeout) {
    return new S3VideoSource(new S3VideoSource.Settings(new S3ClientSettings("us-east-1",
        endpoint, true, "key", "secret", Checksum.WHEN_SUPPORTED, 0, Duration.ZERO, null),
        buckets, timeout, 1000, dir));
  }

  private static void assertFails(S3VideoSource source, String uri, Kind kind, String message) {
    assertThatThrownBy(() -> source.fetch(URI.create(uri))).isInstanceOf(VideoException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(kind));
  }

  /** A loopback port nothing listens on: any request there would fail as unreadable. */
  private static URI closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  @Test
  void malformedUrisAreRejectedBeforeAnyRequest() throws Exception {
    try (S3VideoSource source = source(closedPort(), List.of(), Duration.ofSeconds(5))) {
      assertFails(source, "s3:bucket/key.mp4", Kind.REJECTED,
          "Not an s3://bucket/key URI: s3:bucket/key.mp4");
      assertFails(source, "s3://Bad_Bucket/key.mp4", Kind.REJECTED,
          "Not a valid S3 bucket name: Bad_Bucket");
      assertFails(source, "s3://user@bucket/key.mp4", Kind.REJECTED,
          "Not a valid S3 bucket name: user@bucket");
      assertFails(source, "s3://bucket:9000/key.mp4", Kind.REJECTED,
          "Not a valid S3 bucket name: bucket:9000");
      assertFails(source, "s3://bucket/", Kind.REJECTED,
          "The URI names no object in bucket bucket");
      assertFails(source, "s3://bucket/a.mp4?versionId=1", Kind.REJECTED,
          "An s3: URI takes no query or fragment (encode ? and # in a key as %3F and %23):"
              + " s3://bucket/a.mp4?versionId=1");
    }
  }

  @Test
  void aBucketOffTheAllowListIsRejectedBeforeAnyRequest() throws Exception {
    try (S3VideoSource source = source(closedPort(), List.of("uploads"), Duration.ofSeconds(5))) {
      assertFails(source, "s3://secrets/a.mp4", Kind.REJECTED,
          "Bucket secrets is not on the allow-list");
      // The allowed bucket does reach the (closed) endpoint.
      assertThatThrownBy(() -> source.fetch(URI.create("s3://uploads/a.mp4")))
          .isInstanceOf(VideoException.class).hasMessageStartingWith("Cannot reach S3 for"
              + " s3://uploads/a.mp4");
    }
  }

  @Test
  void aStoreThatNeverAnswersTimesOut() throws Exception {
    // Connections are accepted by the kernel into the backlog, and nothing is ever answered.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        S3VideoSource source = source(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
            List.of(), Duration.ofMillis(500))) {
      assertFails(source, "s3://uploads/a.mp4", Kind.TIMED_OUT,
          "No answer from S3 for s3://uploads/a.mp4 within 500 ms");
    }
  }
}
