package dev.deepscreen.streams.app;

import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.registry.SchemaRegistryClientConfig;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings every stage shares: the Schema Registry and serde settings, and the Kafka Streams
 * settings a stage sets a default for. Any other Kafka Streams, consumer or producer setting given
 * is passed to Kafka Streams unchanged. A stage's own configuration extends this one.
 */
public abstract class StageConfig extends SchemaRegistryClientConfig {

  /** Port of the process's HTTP endpoint (health and metrics, see {@link StageEndpoint}). */
  public static final String HTTP_PORT_CONFIG = "http.port";

  /**
   * Static membership: the instance's name in its consumer group, the same across its restarts.
   * Kafka's own setting, declared here for its documentation and passed on unchanged.
   */
  public static final String GROUP_INSTANCE_ID_CONFIG = ConsumerConfig.GROUP_INSTANCE_ID_CONFIG;

  private final Stage stage;

  /**
   * The definitions shared by every stage, with the stage's default application id, to which a
   * stage adds its own.
   */
  protected static ConfigDef stageConfigDef(String applicationIdDefault) {
    return AvroSerdeConfig.configDef()
        .define(StreamsConfig.APPLICATION_ID_CONFIG, Type.STRING, applicationIdDefault,
            ConfigDef.NonEmptyStringWithoutControlChars.nonEmptyStringWithoutControlChars(),
            Importance.HIGH,
            "Kafka Streams application id: consumer group, transactional id and internal topic"
                + " prefix. Instances with the same id share the work.")
        .define(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
            ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH,
            "Kafka brokers, host:port[,...].")
        .define(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, Type.STRING,
            StreamsConfig.EXACTLY_ONCE_V2,
            ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
            Importance.MEDIUM, "exactly_once_v2 writes each output once across crashes;"
                + " at_least_once may repeat output after a crash.")
        .define(HTTP_PORT_CONFIG, Type.INT, 8080, ConfigDef.Range.between(-1, 65535),
            Importance.LOW, "Port of the process's HTTP endpoint: /health/live, /health/ready"
                + " and /metrics (Prometheus). 0 picks a free port; -1 serves none.")
        .define(GROUP_INSTANCE_ID_CONFIG, Type.STRING, null,
            ConfigDef.NonEmptyStringWithoutControlChars.nonEmptyStringWithoutControlChars(),
            Importance.MEDIUM,
            "Static membership: a name unique to this instance among those of its stage, kept"
                + " across restarts (on Kubernetes the pod's name). A restarted instance takes"
                + " its partitions back at once, without a rebalance, instead of waiting for the"
                + " group to give up on the instance that died (session.timeout.ms, 45 s)."
                + " Unset: dynamic membership. Kafka Streams appends each stream thread's"
                + " number.");
  }

  protected StageConfig(Stage stage, ConfigDef definition, Map<?, ?> props) {
    super(definition, props);
    this.stage = stage;
  }

  /** The stage these settings run. */
  public Stage stage() {
    return stage;
  }

  /** The HTTP endpoint's port: 0 for any free one, -1 for none. */
  public int httpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  public String applicationId() {
    return getString(StreamsConfig.APPLICATION_ID_CONFIG);
  }

  /** Whether the serdes may register schemas (also those of state store changelogs). */
  public boolean autoRegisterSchemas() {
    return getBoolean(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  /**
   * The properties for {@code KafkaStreams}: everything given, the stage's defaults, and the
   * dead-letter handler for records that cannot be deserialized.
   */
  public Properties streamsProperties() {
    Properties props = new Properties();
    // Kafka 5's default, set now: without it every start warns that the processing exception
    // handler does not cover the global thread, a warning an operator cannot act on (the
    // stages have no global tables; their handlers route bad records to dead letters).
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    // Kafka Streams' partition assignor rebuilds a StreamsConfig from the main consumer's
    // settings, once per stream thread: the flag must be among those too, or each thread warns.
    props.put(StreamsConfig.mainConsumerPrefix(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
    addStreamsDefaults(props);
    originals().forEach(props::put);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    props.put(DeadLetterHandler.STAGE_CONFIG, stage.name());
    return props;
  }

  /**
   * Kafka Streams settings the stage needs unless the user sets them, such as longer poll
   * intervals for slow records. Settings given by the user override these.
   */
  protected void addStreamsDefaults(Properties props) {}

  /**
   * Sets the producer's batch size for a stage that writes face crops. A crop is tens of
   * kilobytes, larger than the producer's default batch (16 KiB), so by default every crop
   * fills a batch of its own and goes to the broker in a request of its own. Batches of 512 KiB
   * carry a dozen crops per request and stay under the producer's request limit (1 MiB) and the
   * brokers' default record batch limit.
   */
  protected static void addCropProducerDefaults(Properties props) {
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 512 * 1024);
  }
}
