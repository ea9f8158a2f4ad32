package dev.deepscreen.streams.extract.source;

import dev.deepscreen.core.media.VideoException;
import dev.deepscreen.core.media.VideoException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Downloads {@code http:} and {@code https:} URIs to a temporary file. A server named in an event
 * must not become a way into the internal network: hosts must be on the allow-list (when one is
 * set), and a host resolving to a loopback, private, link-local or multicast address is refused,
 * also as the target of a redirect, which is followed by hand so that each hop is checked. The
 * address check happens before connecting; a DNS answer that changes between the check and the
 * connection is not caught here, so deployments should also restrict egress at the network.
 */
public final class HttpVideoSource implements VideoSource {

  /**
   * @param allowedHosts host names, or suffixes starting with a dot ({@code .example.com}); empty
   *     allows every public host
   * @param allowPrivateAddresses whether loopback and private addresses may be fetched (tests,
   *     trusted internal stores)
   * @param timeout time allowed for connecting and for the whole download
   * @param maxBytes largest download
   * @param maxRedirects redirects followed at most
   * @param tempDir folder for the downloaded copies
   */
  public record Settings(List<String> allowedHosts, boolean allowPrivateAddresses,
      Duration timeout, long maxBytes, int maxRedirects, Path tempDir) {
    public Settings {
      allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }
  }

  private final Settings settings;
  private final HttpClient http;

  public HttpVideoSource(Settings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public List<String> schemes() {
    return List.of("http", "https");
  }

  @Override
  public FetchedVideo fetch(URI uri) throws VideoException {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    URI current = uri;
    for (int hop = 0; hop <= settings.maxRedirects(); hop++) {
      checkAllowed(current);
      HttpResponse<InputStream> response = send(current, deadline);
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        String location = response.headers().firstValue("Location").orElse(null);
        closeQuietly(response.body());
        if (location == null) {
          throw new VideoException(Kind.UNREADABLE, "HTTP " + status + " without a Location from "
              + current.getHost());
        }
        current = current.resolve(location);
        continue;
      }
      if (status != 200) {
        closeQuietly(response.body());
        throw new VideoException(Kind.UNREADABLE, "HTTP " + status + " from " + current.getHost());
      }
      return download(response, deadline);
    }
    throw new VideoException(Kind.REJECTED, "More than " + settings.maxRedirects()
        + " redirects from " + uri.getHost());
  }

  private void checkAllowed(URI uri) throws VideoException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new VideoException(Kind.REJECTED, "Redirect to a " + scheme + " URI refused");
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      throw new VideoException(Kind.REJECTED, "The URI has no host: " + uri);
    }
    if (!settings.allowedHosts().isEmpty() && settings.allowedHosts().stream()
        .noneMatch(a -> a.startsWith(".") ? host.endsWith(a) : host.equals(a))) {
      throw new VideoException(Kind.REJECTED, "Host " + host + " is not on the allow-list");
    }
    if (settings.allowPrivateAddresses()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new VideoException(Kind.UNREADABLE, "Unknown host " + host, e);
    }
    for (InetAddress address : addresses) {
      if (isInternal(address)) {
        throw new VideoException(Kind.REJECTED, "Host " + host + " resolves to the internal"
            + " address " + address.getHostAddress() + "; only public addresses are fetched");
      }
    }
  }

  static boolean isInternal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isSiteLocalAddress()
        || address.isLinkLocalAddress() || address.isAnyLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc; // unique local fc00::/7
    }
    int first = bytes[0] & 0xff;
    int second = bytes[1] & 0xff;
    // Carrier-grade NAT 100.64/10 and the 0/8 "this network" block.
    return first == 0 || (first == 100 && second >= 64 && second < 128);
  }

  private HttpResponse<InputStream> send(URI uri, long deadline) throws VideoException {
    Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(left).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new VideoException(Kind.TIMED_OUT, "No answer from " + uri.getHost() + " within "
          + settings.timeout().toMillis() + " ms", e);
    } catch (IOException e) {
      throw new VideoException(Kind.UNREADABLE, "Cannot download from " + uri.getHost() + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VideoException(Kind.UNREADABLE, "Interrupted while downloading", e);
    }
  }

  private FetchedVideo download(HttpResponse<InputStream> response, long deadline)
      throws VideoException {
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    InputStream in = response.body();
    try {
      if (declared > settings.maxBytes()) {
        throw new VideoException(Kind.REJECTED, "The video has " + declared + " bytes, more"
            + " than the limit of " + settings.maxBytes());
      }
      return Downloads.save(in, settings.tempDir(), settings.maxBytes(), deadline,
          settings.timeout());
    } finally {
      closeQuietly(in);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing more to read from a response we are discarding.
    }
  }
}
