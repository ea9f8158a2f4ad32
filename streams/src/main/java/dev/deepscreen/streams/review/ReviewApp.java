package dev.deepscreen.streams.review;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.core.media.VideoDecoder;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.extract.source.VideoSources;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The review server with its Kafka clients, registry and renderer, built from the settings every
 * command reads ({@code bootstrap.servers}, {@code schema.registry.url}, client security
 * settings), the {@code review.*} settings and the extraction stage's {@code extract.*} ones.
 * Closing it stops the server and closes everything it opened.
 */
public final class ReviewApp implements AutoCloseable {

  private final List<AutoCloseable> resources;
  private final ReviewServer server;

  private ReviewApp(List<AutoCloseable> resources, ReviewServer server) {
    this.resources = resources;
    this.server = server;
  }

  /**
   * Validates the settings, connects and starts serving.
   *
   * @throws org.apache.kafka.common.config.ConfigException when a setting is missing or wrong
   */
  public static ReviewApp start(Map<String, String> settings) throws IOException {
    ReviewConfig config = new ReviewConfig(settings);
    Map<String, String> extractSettings = new HashMap<>(settings);
    ExtractConfig extract = new ExtractConfig(extractSettings);
    AvroSerdeConfig serde = new AvroSerdeConfig(settings);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      SchemaRegistryClient registry = SchemaRegistries.connect(serde);
      resources.add(registry);
      boolean register = serde.getBoolean(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG);
      Map<String, Object> producerProps = select(settings, ProducerConfig.configNames());
      producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          (int) config.sendTimeout().toMillis());
      producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
          (int) Math.min(config.sendTimeout().toMillis(), 30_000));
      producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      KafkaProducer<String, ReviewDecision> decisions = new KafkaProducer<>(producerProps,
          new StringSerializer(), Topics.REVIEW_DECISIONS.valueSerde(registry, register)
              .serializer());
      resources.add(0, decisions);
      KafkaProducer<String, DeadLetter> letters = new KafkaProducer<>(producerProps,
          new StringSerializer(), Topics.DEAD_LETTERS.valueSerde(registry, register)
              .serializer());
      resources.add(0, letters);
      DeadLetters deadLetters = new DeadLetters(letters);

      Map<String, Object> consumerProps = select(settings, ConsumerConfig.configNames());
      consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
      Supplier<Consumer<String, byte[]>> consumers = () -> new KafkaConsumer<>(consumerProps,
          new StringDeserializer(), new ByteArrayDeserializer());

      CaseIndex index = new CaseIndex();
      TopicFollower follower = new TopicFollower(consumers,
          Topics.VERDICTS.valueSerde(registry, false).deserializer(),
          Topics.REVIEW_DECISIONS.valueSerde(registry, false).deserializer(), index,
          deadLetters);
      EvidenceReader evidence = new EvidenceReader(consumers,
          Topics.EXTRACTION_SUMMARIES.valueSerde(registry, false).deserializer(),
          Topics.FACE_SCORES.valueSerde(registry, false).deserializer(), deadLetters,
          config.evidenceMaxRecords());
      VideoSources sources = extract.videoSources();
      resources.add(sources);
      FrameRenderer renderer = new FrameRenderer(sources, new VideoDecoder(
          extract.decodeLimits(), extract.decoderThreads(), true), extract.framesPerVideo());
      RenderedCases rendered = new RenderedCases(renderer, config.framesPerCase(),
          config.renderThreads(), config.renderCacheCases(),
          extract.getDouble(ExtractConfig.CROP_MARGIN_CONFIG));
      long timeout = config.sendTimeout().toMillis();
      ReviewServer server = new ReviewServer(config, index, follower, evidence, rendered,
          decision -> decisions.send(new ProducerRecord<>(Topics.REVIEW_DECISIONS.name(),
              decision.getEventId().toString(), decision)).get(timeout, TimeUnit.MILLISECONDS),
          Clock.systemUTC());
      server.start();
      return new ReviewApp(resources, server);
    } catch (IOException | RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  public URI uri() {
    return server.uri();
  }

  /** The settings the review server reads beyond the clients': for documentation. */
  public static Set<String> settingNames() {
    return ReviewConfig.configDef().names();
  }

  private static Map<String, Object> select(Map<String, String> settings, Set<String> names) {
    Map<String, Object> selected = new HashMap<>();
    settings.forEach((name, value) -> {
      if (names.contains(name)) {
        selected.put(name, value);
      }
    });
    return selected;
  }

  @Override
  public void close() {
    server.close();
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }
}
