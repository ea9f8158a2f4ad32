package dev.deepscreen.embedded;

import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * How the project runs S3Proxy, its S3-compatible store, whether in this JVM (the embedded
 * mode's {@link InProcessS3Store}) or in a child JVM (the tests' {@code S3ProxyServer}): the
 * server's settings, and the client settings that reach it.
 */
public final class S3ProxyConfig {

  public static final String ACCESS_KEY = "deepscreen";
  public static final String SECRET_KEY = "deepscreen-local-secret";
  public static final String REGION = "us-east-1";

  private S3ProxyConfig() {}

  /**
   * S3Proxy's settings: listening on {@code endpoint}, requiring AWS signatures (v2 or v4) with
   * {@link #ACCESS_KEY} and {@link #SECRET_KEY}, keeping objects as files under {@code folder}
   * ({@code <folder>/<bucket>/<key>}), or in memory when {@code folder} is null.
   */
  public static Properties properties(URI endpoint, Path folder) {
    Properties props = new Properties();
    props.setProperty("s3proxy.endpoint", endpoint.toString());
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", ACCESS_KEY);
    props.setProperty("s3proxy.credential", SECRET_KEY);
    props.setProperty("jclouds.identity", "unused");
    props.setProperty("jclouds.credential", "unused");
    if (folder == null) {
      props.setProperty("jclouds.provider", "transient-nio2");
    } else {
      props.setProperty("jclouds.provider", "filesystem-nio2");
      props.setProperty("jclouds.filesystem.basedir", folder.toAbsolutePath().toString());
    }
    return props;
  }

  /**
   * The client settings that reach S3Proxy at {@code endpoint}: path-style addressing, the
   * static keys, and checksums only where required (S3Proxy 4.1.0 closes the connection after an
   * aws-chunked upload with a checksum trailer). Three retries, 100 ms backoff.
   */
  public static S3ClientSettings clientSettings(URI endpoint) {
    return new S3ClientSettings(REGION, endpoint, true, ACCESS_KEY, SECRET_KEY,
        Checksum.WHEN_REQUIRED, 3, Duration.ofMillis(100), null);
  }
}
