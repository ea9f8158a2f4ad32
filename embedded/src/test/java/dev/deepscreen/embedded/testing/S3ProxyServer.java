package dev.deepscreen.embedded.testing;

import dev.deepscreen.embedded.S3ProxyConfig;
import dev.deepscreen.s3.S3ClientConfig;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3Clients;
import dev.deepscreen.s3.S3Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3Proxy as {@link S3ProxyConfig} sets it up, in a child JVM bound to 127.0.0.1: the real
 * S3-compatible server of the tests of every module that talks to S3 (they
 * use it from this module's test-jar). A child process because S3Proxy's jar bundles unshaded
 * copies of the AWS SDK, Jackson and logback that would clash with ours on one classpath. The
 * jar is the one the module's build copies to {@code target/s3proxy/s3proxy.jar} (or the
 * {@code s3proxy.jar} system property).
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = S3ProxyConfig.ACCESS_KEY;
  public static final String SECRET_KEY = S3ProxyConfig.SECRET_KEY;
  public static final String REGION = S3ProxyConfig.REGION;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path jar;
  private final Path config;
  private final URI endpoint;
  private final Path log;
  private final S3Connection connection;
  private Process process;

  private S3ProxyServer(Path jar, Path config, URI endpoint, Path log) {
    this.jar = jar;
    this.config = config;
    this.endpoint = endpoint;
    this.log = log;
    this.connection = S3Clients.open(clientSettings());
  }

  /** Starts a server keeping objects in memory, on a free loopback port. */
  public static S3ProxyServer start() {
    return start(null);
  }

  /**
   * Starts a server on a free loopback port and waits until it answers. With a directory, the
   * objects are kept there (filesystem backend) and survive {@link #restart()}; without, in
   * memory.
   */
  public static S3ProxyServer start(Path dataDir) {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the build through"
          + " Maven (process-test-resources copies it)");
    }
    try {
      int port = freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      Path dir = Files.createDirectories(jar.getParent().resolve("runs"));
      Path config = dir.resolve("s3proxy-" + port + ".conf");
      Properties props = S3ProxyConfig.properties(endpoint, dataDir);
      try (var out = Files.newBufferedWriter(config)) {
        props.store(out, "S3Proxy of a test");
      }
      S3ProxyServer server = new S3ProxyServer(jar, config, endpoint,
          dir.resolve("s3proxy-" + port + ".log"));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start S3Proxy", e);
    }
  }

  private void launch() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", jar.toString(),
        "org.gaul.s3proxy.Main", "--properties", config.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    awaitReady();
  }

  /** Kills the server, as an outage would; {@link #restart()} brings it back on the same port. */
  public void stop() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void restart() {
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot restart S3Proxy", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ": "
            + logTail());
      }
      try {
        http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while S3Proxy starts", e);
      }
    }
    close();
    throw new IllegalStateException("S3Proxy did not answer within " + START_TIMEOUT + ": "
        + logTail());
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String logTail() {
    try {
      String text = Files.readString(log);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The endpoint, for a client's endpoint override. */
  public URI endpoint() {
    return endpoint;
  }

  /** The client settings that reach this server. */
  public S3ClientSettings clientSettings() {
    return S3ProxyConfig.clientSettings(endpoint);
  }

  /**
   * The settings under {@code prefix} that reach this server: {@code s3.endpoint} and the other
   * client settings for the sink, {@code extract.s3.endpoint} and so on for the extraction stage.
   * Mutable, to add to.
   */
  public Map<String, String> clientProperties(String prefix) {
    return new HashMap<>(S3ClientConfig.properties(prefix, clientSettings()));
  }

  /** A client of this server (owned by it). */
  public S3Client client() {
    return connection.client();
  }

  public void createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
  }

  /** Every object under the prefix, by key in key order. */
  public Map<String, byte[]> objects(String bucket, String prefix) {
    Map<String, byte[]> objects = new TreeMap<>();
    for (S3Object object : client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
        .contents()) {
      objects.put(object.key(),
          client().getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray());
    }
    return new LinkedHashMap<>(objects);
  }

  /** Keys under the prefix, in key order. */
  public List<String> keys(String bucket, String prefix) {
    return client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()
        .stream().map(S3Object::key).sorted().toList();
  }

  @Override
  public void close() {
    connection.close();
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
