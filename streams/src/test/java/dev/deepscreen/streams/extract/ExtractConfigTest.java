package dev.deepscreen.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.extract.source.VideoSources;
import dev.deepscreen.core.media.VideoException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ExtractConfigTest {

  private static ExtractConfig config(String... pairs) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("bootstrap.servers", "unused:9092");
    settings.put("schema.registry.url", "mock://extract-config-test");
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return new ExtractConfig(settings);
  }

  @Test
  void runsAThreadPerInputPartitionAndAtLeastOnePerCoreUnlessSet() {
    int expected = Math.max(Topics.VIDEO_EVENTS.partitions(),
        Runtime.getRuntime().availableProcessors());
    assertThat(expected).isGreaterThanOrEqualTo(6);
    assertThat(config().streamsProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG))
        .isEqualTo(expected);
    assertThat(config(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2").streamsProperties()
        .get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).hasToString("2");
  }

  @Test
  void sendsCropsInProducerBatchesOf512KibUnlessSet() {
    StreamsConfig streams = new StreamsConfig(config().streamsProperties());
    assertThat(streams.getProducerConfigs("extract").get(ProducerConfig.BATCH_SIZE_CONFIG))
        .isEqualTo(512 * 1024);
    StreamsConfig set = new StreamsConfig(config("producer.batch.size", "65536")
        .streamsProperties());
    assertThat(set.getProducerConfigs("extract").get(ProducerConfig.BATCH_SIZE_CONFIG))
        .hasToString("65536");
  }

  @Test
  void s3KeysComeInPairs() {
    assertThatThrownBy(() -> config(ExtractConfig.S3_ACCESS_KEY_CONFIG, "AKIA"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value [hidden] for configuration extract.s3.secret.access.key:"
            + " set both extract.s3.access.key.id and extract.s3.secret.access.key, or neither"
            + " to use the AWS default credentials chain");
    config(ExtractConfig.S3_ACCESS_KEY_CONFIG, "AKIA", ExtractConfig.S3_SECRET_KEY_CONFIG, "s");
  }

  @Test
  void theS3EndpointIsAnHttpUrl() {
    assertThatThrownBy(() -> config(ExtractConfig.S3_ENDPOINT_CONFIG, "minio:9000"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value minio:9000 for configuration extract.s3.endpoint: must be an"
            + " http(s)://host[:port] URL, or empty for AWS S3");
    assertThat(config(ExtractConfig.S3_ENDPOINT_CONFIG, "http://minio:9000")
        .getString(ExtractConfig.S3_ENDPOINT_CONFIG)).isEqualTo("http://minio:9000");
  }

  @Test
  void s3CanBeSwitchedOff() {
    try (VideoSources sources = config(ExtractConfig.S3_ENABLED_CONFIG, "false").videoSources()) {
      assertThatThrownBy(() -> sources.fetch("s3://uploads/a.mp4"))
          .isInstanceOf(VideoException.class)
          .hasMessage("URI scheme 's3' is not accepted; accepted: [file, http, https]");
    }
    try (VideoSources sources = config().videoSources()) {
      assertThatThrownBy(() -> sources.fetch("ftp://host/a.mp4"))
          .hasMessage("URI scheme 'ftp' is not accepted; accepted: [file, http, https, s3]");
    }
  }
}
