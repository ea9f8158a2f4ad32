package dev.deepscreen.streams.extract.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSourcesTest {

  @TempDir
  Path dir;
  private Path root;
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(dir.resolve("videos"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/clip.mp4", exchange -> {
      byte[] body = "not really a video".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/big.mp4", exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked, no declared length
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(new byte[5000]);
      }
    });
    server.createContext("/to-metadata", exchange -> {
      exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private VideoSources sources(boolean allowPrivate, List<String> hosts, long maxBytes) {
    return new VideoSources(List.of(new FileVideoSource(List.of(root), 1000),
        new HttpVideoSource(new HttpVideoSource.Settings(hosts, allowPrivate,
            Duration.ofSeconds(5), maxBytes, 3, dir))));
  }

  private String local(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static void assertFails(ThrowingFetch fetch, Kind kind, String message) {
    assertThatThrownBy(fetch::run).isInstanceOf(VideoException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((VideoException) e).kind()).isEqualTo(kind));
  }

  private interface ThrowingFetch {
    void run() throws Exception;
  }

  @Test
  void aFileUnderARootIsReadInPlace() throws Exception {
    Path video = Files.write(root.resolve("a.mp4"), new byte[10]);
    try (FetchedVideo fetched = sources(false, List.of(), 1000).fetch(video.toUri().toString())) {
      assertThat(fetched.path()).isEqualTo(video.toRealPath());
      assertThat(fetched.bytes()).isEqualTo(10);
    }
    assertThat(video).exists();
  }

  @Test
  void aFileOutsideTheRootsIsRejectedAlsoThroughDotsAndLinks() throws Exception {
    Path outside = Files.write(dir.resolve("secret.mp4"), new byte[10]);
    Path link = Files.createSymbolicLink(root.resolve("link.mp4"), outside);
    VideoSources sources = sources(false, List.of(), 1000);
    assertFails(() -> sources.fetch(outside.toUri().toString()), Kind.REJECTED,
        "is outside the folders videos may be read from");
    assertFails(() -> sources.fetch("file://" + root + "/../secret.mp4"), Kind.REJECTED,
        "is outside the folders");
    assertFails(() -> sources.fetch(link.toUri().toString()), Kind.REJECTED, "is outside");
    assertFails(() -> sources.fetch("file:///etc/passwd"), Kind.REJECTED, "is outside");
  }

  @Test
  void aMissingOrOversizedFileIsReported() throws Exception {
    Path big = Files.write(root.resolve("big.mp4"), new byte[1001]);
    VideoSources sources = sources(false, List.of(), 1000);
    assertFails(() -> sources.fetch(root.resolve("none.mp4").toUri().toString()),
        Kind.UNREADABLE, "No such file");
    assertFails(() -> sources.fetch(big.toUri().toString()), Kind.REJECTED,
        "more than the limit of 1000");
  }

  @Test
  void otherSchemesAndNonsenseAreRejected() {
    VideoSources sources = sources(false, List.of(), 1000);
    assertFails(() -> sources.fetch("ftp://host/a.mp4"), Kind.REJECTED,
        "URI scheme 'ftp' is not accepted; accepted: [file, http, https]");
    assertFails(() -> sources.fetch("gopher://x"), Kind.REJECTED, "is not accepted");
    assertFails(() -> sources.fetch("not a uri at all"), Kind.REJECTED, "Not a valid URI");
  }

  @Test
  void httpDownloadsToATemporaryFileDeletedOnClose() throws Exception {
    Path copy;
    try (FetchedVideo fetched = sources(true, List.of(), 1000).fetch(local("/clip.mp4"))) {
      copy = fetched.path();
      assertThat(Files.readString(copy)).isEqualTo("not really a video");
    }
    assertThat(copy).doesNotExist();
  }

  @Test
  void loopbackAndPrivateAddressesAreRefusedByDefault() {
    VideoSources sources = sources(false, List.of(), 1000);
    assertFails(() -> sources.fetch(local("/clip.mp4")), Kind.REJECTED,
        "resolves to the internal address 127.0.0.1");
    assertFails(() -> sources.fetch("http://10.1.2.3/a.mp4"), Kind.REJECTED, "internal address");
    assertFails(() -> sources.fetch("http://[::1]/a.mp4"), Kind.REJECTED, "internal address");
  }

  @Test
  void everyRedirectHopIsCheckedLikeTheFirstRequest() {
    // The test server is on loopback, so private addresses are on here and the allow-list names
    // it alone: the redirect to the cloud metadata address fails the same check.
    VideoSources sources = sources(true, List.of("127.0.0.1"), 1000);
    assertFails(() -> sources.fetch(local("/to-metadata")), Kind.REJECTED,
        "Host 169.254.169.254 is not on the allow-list");
  }

  @Test
  void hostsOutsideTheAllowListAreRefused() {
    VideoSources sources = sources(true, List.of(".videos.example.com"), 1000);
    assertFails(() -> sources.fetch(local("/clip.mp4")), Kind.REJECTED,
        "Host 127.0.0.1 is not on the allow-list");
  }

  @Test
  void aDownloadOverTheLimitIsStoppedAndRemoved() throws Exception {
    VideoSources sources = sources(true, List.of(), 1000);
    assertFails(() -> sources.fetch(local("/big.mp4")), Kind.REJECTED,
        "larger than the limit of 1000 bytes");
    try (var files = Files.list(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".download"))).isEmpty();
    }
  }

  @Test
  void internalAddressRangesAreRecognised() throws Exception {
    for (String internal : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "224.0.0.1")) {
      assertThat(HttpVideoSource.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
    }
    for (String external : List.of("8.8.8.8", "151.101.1.1", "2606:4700::1111")) {
      assertThat(HttpVideoSource.isInternal(InetAddress.getByName(external))).as(external)
          .isFalse();
    }
  }
}
