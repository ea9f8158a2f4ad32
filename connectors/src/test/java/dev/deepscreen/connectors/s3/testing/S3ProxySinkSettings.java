package dev.deepscreen.connectors.s3.testing;

import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.util.HashMap;
import java.util.Map;

/** The sink settings that reach an {@link S3ProxyServer}. */
public final class S3ProxySinkSettings {
  private S3ProxySinkSettings() {}

  /**
   * Endpoint, path-style access, static keys, and checksums only when required (see the README)
   * for {@code bucket}. Mutable, to add to.
   */
  public static Map<String, String> of(S3ProxyServer s3, String bucket) {
    Map<String, String> props = new HashMap<>();
    props.put("s3.bucket.name", bucket);
    props.put("store.url", s3.endpoint().toString());
    props.put("s3.path.style.access.enabled", "true");
    props.put("s3.request.checksum.calculation", "when_required");
    props.put("aws.access.key.id", S3ProxyServer.ACCESS_KEY);
    props.put("aws.secret.access.key", S3ProxyServer.SECRET_KEY);
    return props;
  }
}
