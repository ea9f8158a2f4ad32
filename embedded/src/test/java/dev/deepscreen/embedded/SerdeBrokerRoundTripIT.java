package dev.deepscreen.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.registry.SchemaRegistryClientConfig;
import dev.deepscreen.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every topic's record type through a real in-process broker, once with the in-memory registry
 * (mock://) and once with the HTTP client against an in-test server of the registry's REST API.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerdeBrokerRoundTripIT {

  private static InProcessKafkaCluster kafka;

  @BeforeAll
  static void startKafka() {
    kafka = InProcessKafkaCluster.start();
    kafka.createTopics(Topics.all());
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyRecordTypeRoundTripsWithTheInMemoryRegistry() {
    String scope = "round-trip-" + UUID.randomUUID();
    try (SchemaRegistryClient registry = SchemaRegistries.connect(
        Map.of(SchemaRegistryClientConfig.URL_CONFIG, "mock://" + scope))) {
      roundTripEveryTopic(registry, "mock");
      assertThat(InMemorySchemaRegistry.forScope(scope).subjects()).hasSize(Topics.all().size());
    } finally {
      InMemorySchemaRegistry.dropScope(scope);
    }
  }

  @Test
  void everyRecordTypeRoundTripsWithTheHttpRegistry() throws Exception {
    try (FakeSchemaRegistryServer server = new FakeSchemaRegistryServer();
        SchemaRegistryClient registry = SchemaRegistries.connect(
            Map.of(SchemaRegistryClientConfig.URL_CONFIG, server.url()))) {
      roundTripEveryTopic(registry, "http");
      assertThat(server.registry().subjects()).hasSize(Topics.all().size());
    }
  }

  private void roundTripEveryTopic(SchemaRegistryClient registry, String run) {
    List<SpecificRecord> samples = SampleRecords.all();
    for (int i = 0; i < samples.size(); i++) {
      roundTrip(Topics.all().get(i), samples.get(i), registry, run);
    }
  }

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> void roundTrip(TopicDefinition<V> topic,
      SpecificRecord sample, SchemaRegistryClient registry, String run) {
    AvroSerde<V> serde = topic.valueSerde(registry, true);
    String key = run + "-" + SampleRecords.EVENT_ID;
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), topic.keySerde().serializer(),
        serde.serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, (V) sample)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topic.name(), e);
    }

    List<ConsumerRecord<String, V>> received = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), topic.keySerde().deserializer(),
        serde.deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.stream().noneMatch(r -> r.key().equals(key))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }
    assertThat(received).filteredOn(r -> r.key().equals(key)).singleElement()
        .satisfies(r -> assertThat(r.value()).isEqualTo(sample));
  }
}
