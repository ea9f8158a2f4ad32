package dev.deepscreen.s3;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy): empty for AWS S3 itself, else
 * an absolute {@code http(s)://host[:port]} URL. The one validator of every endpoint setting.
 */
public final class S3Endpoint implements ConfigDef.Validator {

  /** The validator of an endpoint setting. */
  public static final S3Endpoint VALIDATOR = new S3Endpoint();

  private S3Endpoint() {}

  /**
   * The endpoint a setting names, or null for AWS S3 (an empty or blank value).
   *
   * @throws ConfigException naming the setting, when the value is not an http(s) URL with a host
   */
  public static URI parse(String name, String value) {
    String url = value == null ? "" : value.trim();
    if (url.isEmpty()) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(name, value, "not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new ConfigException(name, value,
          "must be an http(s)://host[:port] URL, or empty for AWS S3");
    }
    return uri;
  }

  @Override
  public void ensureValid(String name, Object value) {
    parse(name, (String) value);
  }

  @Override
  public String toString() {
    return "empty, or http(s)://host[:port]";
  }
}
