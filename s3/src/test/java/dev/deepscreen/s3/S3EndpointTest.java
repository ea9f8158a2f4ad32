package dev.deepscreen.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class S3EndpointTest {

  @Test
  void emptyMeansAwsS3() {
    assertThat(S3Endpoint.parse("s3.endpoint", "")).isNull();
    assertThat(S3Endpoint.parse("s3.endpoint", "  ")).isNull();
    assertThat(S3Endpoint.parse("s3.endpoint", null)).isNull();
  }

  @Test
  void anHttpUrlWithAHostIsTheEndpoint() {
    assertThat(S3Endpoint.parse("s3.endpoint", " http://minio:9000 "))
        .isEqualTo(URI.create("http://minio:9000"));
    assertThat(S3Endpoint.parse("s3.endpoint", "https://s3.example.com"))
        .isEqualTo(URI.create("https://s3.example.com"));
  }

  @Test
  void otherSchemesAndHostlessUrlsAreRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> S3Endpoint.VALIDATOR.ensureValid("extract.s3.endpoint",
        "minio:9000")).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value minio:9000 for configuration extract.s3.endpoint: must be an"
            + " http(s)://host[:port] URL, or empty for AWS S3");
    assertThatThrownBy(() -> S3Endpoint.VALIDATOR.ensureValid("s3.endpoint", "s3://bucket"))
        .hasMessage("Invalid value s3://bucket for configuration s3.endpoint: must be an"
            + " http(s)://host[:port] URL, or empty for AWS S3");
    assertThatThrownBy(() -> S3Endpoint.parse("s3.endpoint", "http://a b"))
        .hasMessageStartingWith("Invalid value http://a b for configuration s3.endpoint: not a"
            + " URL: Illegal character in authority");
  }
}
