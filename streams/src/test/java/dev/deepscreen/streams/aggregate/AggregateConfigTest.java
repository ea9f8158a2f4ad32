package dev.deepscreen.streams.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.streams.app.DeadLetterHandler;
import dev.deepscreen.core.strategy.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AggregateConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", "broker:9092");
    props.put("schema.registry.url", "http://registry:8081");
    return props;
  }

  private static AggregateConfig with(String name, Object value) {
    Map<String, Object> props = minimal();
    props.put(name, value);
    return new AggregateConfig(props);
  }

  @Test
  void defaultsAreTheReferenceAndExactlyOnce() {
    AggregateConfig config = new AggregateConfig(minimal());
    assertThat(config.applicationId()).isEqualTo("deepscreen-aggregate");
    assertThat(config.method()).isEqualTo(Method.CONFIDENT);
    assertThat(config.moderationPolicy()).isEqualTo(new ModerationPolicy(0.4, 0.7, 0.5));
    assertThat(config.topFrames()).isEqualTo(5);
    assertThat(config.completionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.decidedRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(config.abandonedAfter()).isEqualTo(Duration.ofHours(1));

    Properties streams = config.streamsProperties();
    assertThat(streams)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "deepscreen-aggregate")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterHandler.class.getName())
        .containsEntry(DeadLetterHandler.STAGE_CONFIG, "AGGREGATE")
        .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true")
        .containsEntry(StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true")
        .containsEntry("schema.registry.url", "http://registry:8081");
  }

  @Test
  void otherKafkaSettingsPassThrough() {
    assertThat(with("commit.interval.ms", "250").streamsProperties())
        .containsEntry("commit.interval.ms", "250");
  }

  @Test
  void bootstrapServersAreRequired() {
    Map<String, Object> props = minimal();
    props.remove("bootstrap.servers");
    assertThatThrownBy(() -> new AggregateConfig(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Missing required configuration \"bootstrap.servers\" which has no default"
            + " value.");
  }

  @Test
  void theRegistryIsRequired() {
    Map<String, Object> props = minimal();
    props.remove("schema.registry.url");
    assertThatThrownBy(() -> new AggregateConfig(props)).isInstanceOf(ConfigException.class)
        .hasMessage("Missing required configuration \"schema.registry.url\" which has no default"
            + " value.");
  }

  @Test
  void boundsOutOfOrderAreRefusedWithTheReason() {
    Map<String, Object> props = minimal();
    props.put(AggregateConfig.ALLOW_BELOW_CONFIG, "0.8");
    assertThatThrownBy(() -> new AggregateConfig(props))
        .hasMessage("Invalid value 0.8 for configuration aggregate.allow.below: must not be above"
            + " aggregate.block.above (0.7), or no video could be reviewed");
  }

  @Test
  void theConfidentThresholdMustBeStrictlyInside() {
    assertThatThrownBy(() -> with(AggregateConfig.CONFIDENT_THRESHOLD_CONFIG, "1.0"))
        .hasMessage("Invalid value 1.0 for configuration aggregate.confident.threshold: must be"
            + " strictly between 0 and 1");
    assertThatThrownBy(() -> with(AggregateConfig.CONFIDENT_THRESHOLD_CONFIG, "1.5"))
        .hasMessage("Invalid value 1.5 for configuration aggregate.confident.threshold: Value"
            + " must be no more than 1.0");
  }

  @Test
  void unknownStrategyListsTheChoices() {
    assertThatThrownBy(() -> with(AggregateConfig.STRATEGY_CONFIG, "MAX"))
        .hasMessage("Invalid value MAX for configuration aggregate.strategy: String must be one"
            + " of: CONFIDENT, MEAN, PER_TRACK");
  }

  @Test
  void scoresCannotBeAbandonedBeforeTheirEventTimesOut() {
    Map<String, Object> props = minimal();
    props.put(AggregateConfig.COMPLETION_TIMEOUT_MS_CONFIG, "60000");
    props.put(AggregateConfig.ABANDONED_AFTER_MS_CONFIG, "30000");
    assertThatThrownBy(() -> new AggregateConfig(props))
        .hasMessage("Invalid value 30000 for configuration aggregate.abandoned.after.ms: must be"
            + " at least aggregate.completion.timeout.ms (60000), or scores would be dropped"
            + " while their summary may still come");
  }

  @Test
  void onlyExactlyOnceV2OrAtLeastOnce() {
    assertThatThrownBy(() -> with(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once"))
        .hasMessage("Invalid value exactly_once for configuration processing.guarantee: String"
            + " must be one of: exactly_once_v2, at_least_once");
  }

  @Test
  void negativeTimeoutsAreRefused() {
    assertThatThrownBy(() -> with(AggregateConfig.COMPLETION_TIMEOUT_MS_CONFIG, "0"))
        .hasMessage("Invalid value 0 for configuration aggregate.completion.timeout.ms: Value must"
            + " be at least 1");
  }
}
