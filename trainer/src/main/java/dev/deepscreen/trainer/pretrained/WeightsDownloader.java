package dev.deepscreen.trainer.pretrained;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads files of a few hundred MB, such as published model weights, and checks their
 * SHA-256. The bytes go to {@code <target>.part} first; an interrupted transfer resumes from
 * there, in the next attempt or in a later run; only a complete file whose checksum has been
 * checked is moved to the target. So a file at the target is always whole.
 *
 * <p>Only https is accepted (http only to a loopback address), and redirects are followed as
 * the client given does: GitHub release assets answer with a redirect to another host. One
 * instance may fetch several files at once, each to its own target.
 */
public final class WeightsDownloader {
  private static final int DEFAULT_ATTEMPTS = 5;
  private static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(10);
  private static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final int BUFFER_SIZE = 1 << 16;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
  private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

  private final HttpClient client;
  private final PrintStream progress;
  private final int attempts;
  private final Duration retryDelay;
  private final Duration stallTimeout;

  /**
   * @param client the client to send requests with; it decides whether redirects are followed
   * @param progress where progress lines go
   * @param attempts how many requests one download may take, at least 1: each failed request
   *     (a dropped connection, a 5xx, 408 or 429 answer) is followed by another after {@code
   *     retryDelay}, resuming where it stopped
   * @param retryDelay the pause before each further attempt
   * @param stallTimeout how long a request may wait for its response headers, and then for each
   *     next piece of the body, before it counts as failed
   */
  public WeightsDownloader(HttpClient client, PrintStream progress, int attempts,
      Duration retryDelay, Duration stallTimeout) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
    if (retryDelay.isNegative()) {
      throw new IllegalArgumentException("retryDelay must not be negative, not " + retryDelay);
    }
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("stallTimeout must be positive, not " + stallTimeout);
    }
    this.client = client;
    this.progress = progress;
    this.attempts = attempts;
    this.retryDelay = retryDelay;
    this.stallTimeout = stallTimeout;
  }

  /** 5 attempts 10 s apart; a request fails after 60 s without data. */
  public static WeightsDownloader defaults(PrintStream progress) {
    return new WeightsDownloader(newClient(), progress, DEFAULT_ATTEMPTS, DEFAULT_RETRY_DELAY,
        DEFAULT_STALL_TIMEOUT);
  }

  /** The client {@link #defaults} uses. */
  static HttpClient newClient() {
    return HttpClient.newBuilder()
        // Release assets redirect to another host; NORMAL never goes from https to http.
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(CONNECT_TIMEOUT)
        // One large body gains nothing from HTTP/2, and HTTP/1.1 is what the tests exercise.
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /**
   * Downloads {@code uri} to {@code target}, unless the target is there already (with the
   * expected SHA-256, when one is given).
   *
   * @param expectedSha256 the file's SHA-256 in hex, or null to accept any file
   * @return the file's SHA-256, lower-case hex
   * @throws IOException when the server answers with an error (at once for a 4xx other than
   *     408 and 429, which no retry can mend), after the last failed attempt, or when the file
   *     does not have the expected SHA-256 (then the download is deleted)
   * @throws IllegalArgumentException for a URI other than https (or http to a loopback address)
   *     or an expected SHA-256 that is not 64 hex digits
   */
  public String fetch(URI uri, Path target, String expectedSha256) throws IOException {
    requireAllowed(uri);
    String expected = expectedSha256 == null ? null : sha256Argument(expectedSha256);
    String name = target.getFileName().toString();
    if (Files.exists(target)) {
      String existing = Sha256.of(target);
      if (expected == null || existing.equals(expected)) {
        progress.println(name + ": already downloaded, SHA-256 " + existing);
        return existing;
      }
      progress.println(name + ": the file there has SHA-256 " + existing + ", not " + expected
          + "; downloading it again");
    }
    Path part = target.resolveSibling(name + ".part");
    Path folder = target.toAbsolutePath().getParent();
    if (folder != null) {
      Files.createDirectories(folder);
    }
    download(uri, part, name);
    String actual = Sha256.of(part);
    long size = Files.size(part);
    if (expected != null && !actual.equals(expected)) {
      Files.delete(part);
      throw new IOException("The file downloaded from " + uri + " has SHA-256 " + actual
          + ", expected " + expected + "; deleted it");
    }
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }
    progress.println(name + ": done, " + DownloadProgress.mb(size) + " MB, SHA-256 " + actual);
    return actual;
  }

  /** Requests until the .part holds the whole file, or an attempt fails in a way not retried. */
  private void download(URI uri, Path part, String name) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        transfer(uri, part, name);
        return;
      } catch (IOException e) {
        if (e instanceof NotRetried || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        if (attempt >= attempts) {
          throw new IOException("Could not download " + uri + " in " + attempts
              + (attempts == 1 ? " attempt: " : " attempts, the last: ") + describe(e), e);
        }
        progress.println(name + ": attempt " + attempt + " of " + attempts + " failed ("
            + describe(e) + "); trying again in " + seconds(retryDelay));
        try {
          Thread.sleep(retryDelay.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("Interrupted while downloading " + uri);
        }
      }
    }
  }

  /**
   * One request: asks for what the .part lacks and appends it (or, from a server that ignores
   * ranges, rewrites the .part), and returns once the .part holds the whole file.
   */
  private void transfer(URI uri, Path part, String name) throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(stallTimeout).GET();
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while downloading " + uri);
    }
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      String contentRange = response.headers().firstValue("Content-Range").orElse("");
      if (status == 200) {
        if (have > 0) {
          progress.println(name + ": the server does not resume downloads; starting over");
        }
        receive(uri, body, part, 0, length, name);
      } else if (status == 206) {
        Matcher range = CONTENT_RANGE.matcher(contentRange);
        if (!range.matches() || Long.parseLong(range.group(1)) != have) {
          // Bytes from elsewhere in the file would corrupt it where they were appended.
          Files.deleteIfExists(part);
          throw new IOException("asked for bytes from " + have + ", got Content-Range '"
              + contentRange + "'; starting over");
        }
        long total = !range.group(2).equals("*") ? Long.parseLong(range.group(2))
            : length >= 0 ? have + length : -1;
        receive(uri, body, part, have, total, name);
      } else if (status == 416 && have > 0) {
        Matcher unsatisfied = UNSATISFIED_RANGE.matcher(contentRange);
        if (unsatisfied.matches() && Long.parseLong(unsatisfied.group(1)) == have) {
          // Whole already: an earlier run stopped between the last byte and the move.
          return;
        }
        Files.delete(part);
        throw new IOException("the server cannot resume at byte " + have + " (Content-Range '"
            + contentRange + "'); starting over");
      } else {
        String message = uri + " answered HTTP " + status
            + (status == 404 ? " (not found): the file is not at that address" : "");
        if (status == 408 || status == 429 || status >= 500) {
          throw new IOException(message);
        }
        throw new NotRetried(message);
      }
    }
  }

  /**
   * Writes a response's body to the .part from {@code offset} on, and fails unless the .part
   * then holds {@code total} bytes (when known): a short body is an interruption, not a file.
   */
  private void receive(URI uri, InputStream body, Path part, long offset, long total,
      String name) throws IOException {
    DownloadProgress meter = new DownloadProgress(progress, name, offset, total);
    meter.started(uri);
    long size = offset;
    try (StallWatchdog watchdog = new StallWatchdog(body, stallTimeout);
        FileChannel out = FileChannel.open(part, CREATE, WRITE,
            offset > 0 ? APPEND : TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      try {
        for (int n; (n = body.read(buffer)) >= 0; ) {
          watchdog.progressed();
          ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          size += n;
          meter.received(size);
        }
      } catch (IOException e) {
        if (!watchdog.stalled()) {
          throw e;
        }
      }
      if (watchdog.stalled()) {
        throw new IOException("no data for " + seconds(stallTimeout) + " after "
            + size + " bytes");
      }
      if (total >= 0 && size != total) {
        throw new IOException("received " + size + " of " + total + " bytes");
      }
      // On disk before it is renamed into place: a crash must not leave an empty target.
      out.force(true);
    }
  }

  /** Refuses anything but https, and http to this machine (what tests serve from). */
  private static void requireAllowed(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host != null && (scheme.equals("https") || scheme.equals("http") && isLoopback(host))) {
      return;
    }
    throw new IllegalArgumentException("Refusing to download " + uri
        + ": only https is accepted, or http to a loopback address");
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Literal addresses only: a name that resolves to loopback now may not on the next lookup.
    if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String sha256Argument(String hex) {
    String lower = hex.toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(lower).matches()) {
      throw new IllegalArgumentException("Not a SHA-256 (64 hex digits): " + hex);
    }
    return lower;
  }

  private static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** The message and its causes': HttpClient's "closed" alone does not say why. */
  private static String describe(Throwable e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return e.getCause() == null ? message : message + ": " + describe(e.getCause());
  }

  /** A failure that another request would only repeat. */
  private static final class NotRetried extends IOException {
    NotRetried(String message) {
      super(message);
    }
  }
}
