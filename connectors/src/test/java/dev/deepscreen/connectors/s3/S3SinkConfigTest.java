package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.s3.testing.LogCapture;
import dev.deepscreen.s3.S3ClientSettings;
import dev.deepscreen.s3.S3ClientSettings.Checksum;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class S3SinkConfigTest {

  static Map<String, String> minimal() {
    Map<String, String> props = new HashMap<>();
    props.put("s3.bucket.name", "audit");
    props.put("schema.registry.url", "mock://config-test");
    return props;
  }

  private static S3SinkConfig config(Map<String, String> props) {
    return new S3SinkConfig(props);
  }

  @Test
  void defaultsMatchTheReferenceConnector() {
    S3SinkConfig config = config(minimal());
    assertThat(config.bucket()).isEqualTo("audit");
    assertThat(config.topicsDir()).isEqualTo("topics");
    assertThat(config.clientSettings()).isEqualTo(new S3ClientSettings("us-east-1", null, false,
        null, null, Checksum.WHEN_SUPPORTED, 3, Duration.ofMillis(200), null));
    assertThat(config.format()).isEqualTo(S3SinkConfig.Format.AVRO);
    assertThat(config.partitioner()).isEqualTo(S3SinkConfig.PartitionerKind.KAFKA);
    assertThat(config.flushSize()).isEqualTo(1000);
    assertThat(config.rotateIntervalMs()).isEqualTo(-1);
    assertThat(config.rotateScheduleIntervalMs()).isEqualTo(-1);
    assertThat(config.partSize()).isEqualTo(25 * 1024 * 1024);
    assertThat(config.registrySettings())
        .containsEntry("schema.registry.url", "mock://config-test");
  }

  @Test
  void readsEverySetting() {
    Map<String, String> props = minimal();
    props.put("s3.endpoint", "http://127.0.0.1:9000");
    props.put("s3.region", "eu-west-1");
    props.put("s3.path.style.access.enabled", "true");
    props.put("s3.access.key.id", "AKIA");
    props.put("s3.secret.access.key", "secret");
    props.put("s3.retries", "5");
    props.put("s3.retry.backoff.ms", "50");
    props.put("format", "JSON");
    props.put("partitioner", "field");
    props.put("partition.field.name", "tenant");
    props.put("timestamp.extractor", "Wallclock");
    props.put("flush.size", "10");
    props.put("rotate.interval.ms", "60000");
    props.put("rotate.schedule.interval.ms", "3600000");
    props.put("topics.dir", "audit/kafka");
    props.put("s3.request.checksum.calculation", "WHEN_REQUIRED");
    S3SinkConfig config = config(props);
    assertThat(config.clientSettings()).isEqualTo(new S3ClientSettings("eu-west-1",
        URI.create("http://127.0.0.1:9000"), true, "AKIA", "secret", Checksum.WHEN_REQUIRED, 5,
        Duration.ofMillis(50), null));
    assertThat(config.format()).isEqualTo(S3SinkConfig.Format.JSON);
    assertThat(config.partitioner()).isEqualTo(S3SinkConfig.PartitionerKind.FIELD);
    assertThat(config.partitionField()).isEqualTo("tenant");
    assertThat(config.timestampSource()).isEqualTo(S3SinkConfig.TimestampSource.WALLCLOCK);
    assertThat(config.flushSize()).isEqualTo(10);
    assertThat(config.rotateIntervalMs()).isEqualTo(60_000);
    assertThat(config.rotateScheduleIntervalMs()).isEqualTo(3_600_000);
    assertThat(config.topicsDir()).isEqualTo("audit/kafka");
  }

  @Test
  void secretsAreHiddenWhenPrinted() {
    Map<String, String> props = minimal();
    props.put("s3.access.key.id", "AKIA");
    props.put("s3.secret.access.key", "very-secret");
    assertThat(config(props).getPassword("s3.secret.access.key").toString())
        .isEqualTo("[hidden]");
    assertThat(config(props).clientSettings().toString()).doesNotContain("very-secret");
  }

  @Test
  void theOldNamesStillWorkWithOneWarningEach() {
    Map<String, String> props = minimal();
    props.put("store.url", "http://s3:9000");
    props.put("aws.access.key.id", "AKIA");
    props.put("aws.secret.access.key", "very-secret");
    S3ClientSettings settings;
    try (LogCapture log = LogCapture.of(S3SinkConfig.class)) {
      settings = config(props).clientSettings();
      config(props);
      assertThat(log.messages()).containsExactlyInAnyOrder(
          "WARN Setting store.url is deprecated and will be removed: use s3.endpoint instead",
          "WARN Setting aws.access.key.id is deprecated and will be removed: use"
              + " s3.access.key.id instead",
          "WARN Setting aws.secret.access.key is deprecated and will be removed: use"
              + " s3.secret.access.key instead");
    }
    assertThat(settings.endpoint()).isEqualTo(URI.create("http://s3:9000"));
    assertThat(settings.accessKeyId()).isEqualTo("AKIA");
    assertThat(settings.secretAccessKey()).isEqualTo("very-secret");
  }

  @Test
  void anOldAndANewNameWithDifferentValuesAreRefused() {
    Map<String, String> props = minimal();
    props.put("store.url", "http://s3:9000");
    props.put("s3.endpoint", "http://minio:9000");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("store.url is the old name of s3.endpoint and both are set to different"
            + " values: set only s3.endpoint");
  }

  @Test
  void bucketIsRequired() {
    Map<String, String> props = minimal();
    props.remove("s3.bucket.name");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Missing required configuration \"s3.bucket.name\" which has no default"
            + " value.");
  }

  @Test
  void registryUrlIsRequired() {
    Map<String, String> props = minimal();
    props.remove("schema.registry.url");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Missing required configuration \"schema.registry.url\" which has no"
            + " default value.");
  }

  @Test
  void refusesAnEndpointThatIsNotHttp() {
    Map<String, String> props = minimal();
    props.put("s3.endpoint", "s3://bucket");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value s3://bucket for configuration s3.endpoint: must be an"
            + " http(s)://host[:port] URL, or empty for AWS S3");
  }

  @Test
  void refusesATopicsDirWithSlashes() {
    Map<String, String> props = minimal();
    props.put("topics.dir", "/topics/");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value /topics/ for configuration topics.dir: must be a non-empty"
            + " key prefix without leading, trailing or double '/'");
  }

  @Test
  void refusesAnUnknownFormat() {
    Map<String, String> props = minimal();
    props.put("format", "parquet");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value parquet for configuration format: must be one of avro,"
            + " json");
  }

  @Test
  void refusesAFlushSizeBelowOne() {
    Map<String, String> props = minimal();
    props.put("flush.size", "0");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value 0 for configuration flush.size: Value must be at least 1");
  }

  @Test
  void refusesAPartSizeBelowTheS3Minimum() {
    Map<String, String> props = minimal();
    props.put("s3.part.size", "1024");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value 1024 for configuration s3.part.size: Value must be at least"
            + " 5242880");
  }

  @Test
  void fieldPartitionerNeedsAField() {
    Map<String, String> props = minimal();
    props.put("partitioner", "field");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("partition.field.name: must be set when partitioner is field");
  }

  @Test
  void accessKeyNeedsItsSecret() {
    Map<String, String> props = minimal();
    props.put("s3.access.key.id", "AKIA");
    assertThatThrownBy(() -> config(props)).isInstanceOf(ConfigException.class)
        .hasMessage("s3.secret.access.key: set both s3.access.key.id and s3.secret.access.key,"
            + " or neither to use the AWS default credentials chain");
  }
}
