package dev.deepscreen.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class S3ClientConfigTest {

  private static AbstractConfig config(String prefix, Map<String, String> props) {
    ConfigDef def = new ConfigDef();
    S3ClientConfig.define(def, prefix, "S3", 0);
    return new AbstractConfig(def, props, false);
  }

  @Test
  void theSameSettingsUnderEachComponentsPrefix() {
    ConfigDef sink = new ConfigDef();
    ConfigDef extract = new ConfigDef();
    assertThat(S3ClientConfig.define(sink, "", "S3", 1)).isEqualTo(9);
    S3ClientConfig.define(extract, "extract.", null, 0);
    assertThat(sink.names()).containsExactlyInAnyOrder("s3.region", "s3.endpoint",
        "s3.path.style.access.enabled", "s3.access.key.id", "s3.secret.access.key",
        "s3.request.checksum.calculation", "s3.retries", "s3.retry.backoff.ms");
    assertThat(extract.names()).allMatch(name -> name.startsWith("extract.s3."))
        .hasSize(sink.names().size());
  }

  @Test
  void defaultsAreAwsS3WithTheDefaultChainAndTheSdksChecksums() {
    S3ClientSettings settings = S3ClientConfig.settings(config("", Map.of()), "");
    assertThat(settings).isEqualTo(new S3ClientSettings("us-east-1", null, false, null, null,
        Checksum.WHEN_SUPPORTED, 3, Duration.ofMillis(200), null));
  }

  @Test
  void settingsReadBackFromTheirProperties() {
    S3ClientSettings settings = new S3ClientSettings("eu-west-1",
        URI.create("http://127.0.0.1:9000"), true, "AKIA", "secret", Checksum.WHEN_REQUIRED, 5,
        Duration.ofMillis(50), null);
    Map<String, String> props = S3ClientConfig.properties("extract.", settings);
    assertThat(props).containsEntry("extract.s3.endpoint", "http://127.0.0.1:9000")
        .containsEntry("extract.s3.request.checksum.calculation", "when_required");
    assertThat(S3ClientConfig.settings(config("extract.", props), "extract."))
        .isEqualTo(settings);
  }

  @Test
  void aKeyWithoutItsSecretIsRefused() {
    Map<String, String> props = new HashMap<>();
    props.put("extract.s3.access.key.id", "AKIA");
    assertThatThrownBy(() -> S3ClientConfig.settings(config("extract.", props), "extract."))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value [hidden] for configuration extract.s3.secret.access.key: set"
            + " both extract.s3.access.key.id and extract.s3.secret.access.key, or neither to"
            + " use the AWS default credentials chain");
  }

  @Test
  void theChecksumIsOneOfTwoNamesInAnyCase() {
    assertThat(S3ClientConfig.settings(config("", Map.of("s3.request.checksum.calculation",
        "WHEN_REQUIRED")), "").checksum()).isEqualTo(Checksum.WHEN_REQUIRED);
    assertThatThrownBy(() -> config("", Map.of("s3.request.checksum.calculation", "never")))
        .hasMessage("Invalid value never for configuration s3.request.checksum.calculation:"
            + " must be one of when_supported, when_required");
  }

  @Test
  void settingsNeedBothKeysOrNeither() {
    assertThatThrownBy(() -> new S3ClientSettings("us-east-1", null, false, "key", null,
        Checksum.WHEN_SUPPORTED, 3, Duration.ZERO, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("set both the access key id and the secret, or neither");
  }

  @Test
  void theSecretIsNotPrinted() {
    assertThat(new S3ClientSettings("us-east-1", null, false, "AKIA", "very-secret",
        Checksum.WHEN_SUPPORTED, 3, Duration.ZERO, null).toString())
        .doesNotContain("very-secret").doesNotContain("AKIA").contains("[hidden]");
  }
}
