package dev.deepscreen.trainer.pretrained;

import static dev.deepscreen.trainer.pretrained.FileServer.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.trainer.pretrained.FileServer.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a real HTTP server on the loopback interface, one per test. */
@Timeout(30)
class WeightsDownloaderTest {
  private static final int SIZE = 3_000_000;
  private static final int CUT = 1_000_000;
  private static final byte[] CONTENT = new byte[SIZE];
  private static final String SHA256;

  static {
    new Random(42).nextBytes(CONTENT);
    SHA256 = sha256(CONTENT);
  }

  @TempDir
  Path dir;
  private Path target;
  private Path part;
  private FileServer server;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    server = new FileServer(CONTENT);
    target = dir.resolve("weights.bin");
    part = dir.resolve("weights.bin.part");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private WeightsDownloader downloader(int attempts) {
    return downloader(attempts, Duration.ofSeconds(10));
  }

  private WeightsDownloader downloader(int attempts, Duration stallTimeout) {
    return new WeightsDownloader(WeightsDownloader.newClient(),
        new PrintStream(log, true, StandardCharsets.UTF_8), attempts, Duration.ofMillis(10),
        stallTimeout);
  }

  private String progress() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void downloadsTheFileAndReturnsItsSha256() throws IOException {
    String sha256 = downloader(1).fetch(server.uri(PATH), target, null);

    assertThat(sha256).isEqualTo(SHA256);
    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(part).doesNotExist();
    assertThat(server.requests()).containsExactly(new Request(PATH, null));
    assertThat(progress()).doesNotContain("\r")
        .startsWith("weights.bin: downloading 3.0 MB from " + server.uri(PATH) + "\n")
        .endsWith("weights.bin: done, 3.0 MB, SHA-256 " + SHA256 + "\n");
    List<String> lines = progress().lines().collect(Collectors.toList());
    // The start, a line per 5% (fewer when a read spans two steps) and the end.
    assertThat(lines).hasSizeBetween(4, 22);
    assertThat(lines.subList(1, lines.size() - 1))
        .allMatch(line -> line.matches(
            "weights\\.bin: \\d\\.\\d of 3\\.0 MB \\(\\d+%\\), [\\d.]+ MB/s"))
        .last().asString().startsWith("weights.bin: 3.0 of 3.0 MB (100%), ");
  }

  @Test
  void followsARedirectToAnotherPath() throws IOException {
    server.handle("/release/weights.bin", server.redirectTo(PATH));

    assertThat(downloader(1).fetch(server.uri("/release/weights.bin"), target, SHA256))
        .isEqualTo(SHA256);
    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).containsExactly(new Request("/release/weights.bin", null),
        new Request(PATH, null));
  }

  @Test
  void resumesWhereTheConnectionDroppedInTheMiddleOfTheBody() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    server.handle(PATH, exchange -> {
      if (requests.incrementAndGet() > 1) {
        server.serve(exchange, true, Long.MAX_VALUE);
        return;
      }
      exchange.sendResponseHeaders(200, SIZE);
      OutputStream out = exchange.getResponseBody();
      out.write(CONTENT, 0, CUT);
      out.flush();
      // So that the resumed request's Range is known: the client stores what it receives.
      awaitSize(part, CUT);
      // Short of the declared length: the server drops the connection.
      exchange.close();
    });

    assertThat(downloader(2).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(part).doesNotExist();
    assertThat(server.requests()).containsExactly(new Request(PATH, null),
        new Request(PATH, "bytes=" + CUT + "-"));
    assertThat(progress()).contains("weights.bin: attempt 1 of 2 failed (")
        .contains("weights.bin: resuming at 1.0 of 3.0 MB from " + server.uri(PATH));
  }

  @Test
  void resumesAPartLeftByAnEarlierRun() throws IOException {
    Files.write(part, Arrays.copyOf(CONTENT, CUT + 12345));

    assertThat(downloader(1).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(part).doesNotExist();
    assertThat(server.requests()).containsExactly(new Request(PATH, "bytes=1012345-"));
  }

  @Test
  void theRangeSurvivesTheRedirect() throws IOException {
    server.handle("/release/weights.bin", server.redirectTo(PATH));
    Files.write(part, Arrays.copyOf(CONTENT, CUT));

    assertThat(downloader(1).fetch(server.uri("/release/weights.bin"), target, SHA256))
        .isEqualTo(SHA256);
    assertThat(server.requests()).containsExactly(
        new Request("/release/weights.bin", "bytes=" + CUT + "-"),
        new Request(PATH, "bytes=" + CUT + "-"));
  }

  @Test
  void startsOverWhenTheServerIgnoresTheRange() throws IOException {
    server.handle(PATH, exchange -> server.serve(exchange, false, Long.MAX_VALUE));
    // Not the file's first bytes: appending the whole file to them would be caught below.
    Files.write(part, new byte[CUT]);

    assertThat(downloader(1).fetch(server.uri(PATH), target, null)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).containsExactly(new Request(PATH, "bytes=" + CUT + "-"));
    assertThat(progress()).contains("weights.bin: the server does not resume downloads;"
        + " starting over");
  }

  @Test
  void aResponseShorterThanTheFileIsResumedNotTakenForTheFile() throws IOException {
    server.handle(PATH, exchange -> server.serve(exchange, true, CUT));
    Files.write(part, Arrays.copyOf(CONTENT, CUT));

    assertThat(downloader(3).fetch(server.uri(PATH), target, null)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).containsExactly(new Request(PATH, "bytes=1000000-"),
        new Request(PATH, "bytes=2000000-"));
    assertThat(progress()).contains("weights.bin: attempt 1 of 3 failed (received 2000000 of"
        + " 3000000 bytes); trying again in 0.01 s");
  }

  @Test
  void aWholePartIsCheckedAndMovedIntoPlace() throws IOException {
    Files.write(part, CONTENT);

    assertThat(downloader(1).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(part).doesNotExist();
    assertThat(server.requests()).containsExactly(new Request(PATH, "bytes=" + SIZE + "-"));
  }

  @Test
  void aStalledBodyIsAbandonedAndResumed() throws IOException, InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger requests = new AtomicInteger();
    server.handle(PATH, exchange -> {
      if (requests.incrementAndGet() > 1) {
        server.serve(exchange, true, Long.MAX_VALUE);
        return;
      }
      exchange.sendResponseHeaders(200, SIZE);
      exchange.getResponseBody().write(CONTENT, 0, CUT);
      exchange.getResponseBody().flush();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });

    try {
      assertThat(downloader(2, Duration.ofSeconds(1)).fetch(server.uri(PATH), target, SHA256))
          .isEqualTo(SHA256);
    } finally {
      release.countDown();
    }

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).containsExactly(new Request(PATH, null),
        new Request(PATH, "bytes=" + CUT + "-"));
    assertThat(progress()).contains("weights.bin: attempt 1 of 2 failed (no data for 1 s after "
        + CUT + " bytes); trying again in 0.01 s");
  }

  @Test
  void aFileWithAnotherChecksumIsDeletedAndNotMovedIntoPlace() {
    String other = sha256(new byte[] {1, 2, 3});
    URI uri = server.uri(PATH);

    assertThatThrownBy(() -> downloader(3).fetch(uri, target, other.toUpperCase()))
        .isInstanceOf(IOException.class)
        .hasMessage("The file downloaded from " + uri + " has SHA-256 " + SHA256 + ", expected "
            + other + "; deleted it");
    assertThat(target).doesNotExist();
    assertThat(part).doesNotExist();
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void notFoundFailsAtOnceNamingTheAddress() {
    URI uri = server.uri("/no/such/weights.bin");

    assertThatThrownBy(() -> downloader(5).fetch(uri, target, null))
        .isInstanceOf(IOException.class)
        .hasMessage(uri + " answered HTTP 404 (not found): the file is not at that address");
    assertThat(server.requests()).hasSize(1);
    assertThat(target).doesNotExist();
    assertThat(part).doesNotExist();
  }

  @Test
  void serverErrorsAreRetried() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    server.handle(PATH, exchange -> {
      if (requests.incrementAndGet() <= 2) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
      } else {
        server.serve(exchange, true, Long.MAX_VALUE);
      }
    });

    assertThat(downloader(3).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).hasSize(3);
    assertThat(progress()).contains("weights.bin: attempt 1 of 3 failed (" + server.uri(PATH)
        + " answered HTTP 503); trying again in 0.01 s")
        .contains("weights.bin: attempt 2 of 3 failed (");
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    server.handle(PATH, exchange -> {
      exchange.sendResponseHeaders(429, -1);
      exchange.close();
    });
    URI uri = server.uri(PATH);

    assertThatThrownBy(() -> downloader(3).fetch(uri, target, null))
        .isInstanceOf(IOException.class)
        .hasMessage("Could not download " + uri + " in 3 attempts, the last: " + uri
            + " answered HTTP 429");
    assertThat(server.requests()).hasSize(3);
    assertThat(target).doesNotExist();
  }

  @Test
  void refusesAnythingButHttpsExceptHttpToLoopback() {
    for (String uri : new String[] {"http://example.com/weights.bin",
        "http://10.0.0.1/weights.bin", "ftp://127.0.0.1/weights.bin", "file:///tmp/weights.bin"}) {
      assertThatThrownBy(() -> downloader(1).fetch(URI.create(uri), target, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Refusing to download " + uri
              + ": only https is accepted, or http to a loopback address");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aFileAlreadyThereWithTheExpectedChecksumIsKept() throws IOException {
    Files.write(target, CONTENT);

    assertThat(downloader(1).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(server.requests()).isEmpty();
    assertThat(progress()).isEqualTo("weights.bin: already downloaded, SHA-256 " + SHA256 + "\n");
  }

  @Test
  void aFileAlreadyThereWithAnotherChecksumIsReplaced() throws IOException {
    Files.write(target, new byte[] {1, 2, 3});

    assertThat(downloader(1).fetch(server.uri(PATH), target, SHA256)).isEqualTo(SHA256);

    assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
    assertThat(server.requests()).containsExactly(new Request(PATH, null));
    assertThat(progress()).startsWith("weights.bin: the file there has SHA-256 "
        + sha256(new byte[] {1, 2, 3}) + ", not " + SHA256 + "; downloading it again\n");
  }

  @Test
  void rejectsSettingsAndChecksumsThatCannotBeRight() {
    assertThatThrownBy(() -> downloader(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempts must be at least 1, not 0");
    assertThatThrownBy(() -> downloader(1).fetch(server.uri(PATH), target, "abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a SHA-256 (64 hex digits): abc");
  }

  private static void awaitSize(Path file, long size) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (!Files.exists(file) || Files.size(file) < size) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(file + " never reached " + size + " bytes");
        }
        Thread.sleep(2);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
