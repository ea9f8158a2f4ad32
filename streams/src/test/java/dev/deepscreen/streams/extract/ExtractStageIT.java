package dev.deepscreen.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageInstance;
import dev.deepscreen.core.media.ClipWriter.Codec;
import dev.deepscreen.core.media.SampleClips;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extraction stage as it runs in production: a Kafka Streams application with
 * exactly_once_v2 on a real broker, reading real video files made from face photos.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExtractStageIT {

  @TempDir
  Path videos;

  @Test
  void goodAndBadVideosEachGetOneCommittedSummaryAndTheCropsItCounts() throws Exception {
    Path h264 = SampleClips.panningClip(videos.resolve("a.mp4"), "sample6.jpg", Codec.H264_MP4,
        640, 360, 60, 30, 0);
    Path mpeg4 = SampleClips.panningClip(videos.resolve("b.avi"), "sample1.jpg", Codec.MPEG4_AVI,
        480, 320, 40, 25, 0);
    String scope = "extract-it-" + UUID.randomUUID();
    try (InProcessKafkaCluster kafka = InProcessKafkaCluster.start();
        SchemaRegistryClient registry = InMemorySchemaRegistry.forScope(scope)) {
      kafka.createTopics(Topics.all());
      Map<String, Object> settings = new HashMap<>();
      settings.put("bootstrap.servers", kafka.bootstrapServers());
      settings.put("schema.registry.url", "mock://" + scope);
      settings.put("state.dir", videos.resolve("state").toString());
      settings.put(ExtractConfig.FILE_ROOTS_CONFIG, videos.toString());
      settings.put(ExtractConfig.FRAMES_PER_VIDEO_CONFIG, "6");
      settings.put(ExtractConfig.CROP_SIZE_CONFIG, "160");
      ExtractConfig config = new ExtractConfig(settings);

      List<String> ids = new ArrayList<>();
      try (KafkaProducer<String, VideoEvent> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
          Topics.VIDEO_EVENTS.keySerde().serializer(),
          Topics.VIDEO_EVENTS.valueSerde(registry, true).serializer())) {
        for (String uri : List.of(h264.toUri().toString(), "file:///etc/shadow",
            mpeg4.toUri().toString())) {
          VideoEvent event = VideoEvent.newBuilder().setEventId(UUID.randomUUID())
              .setVideoId(uri).setUri(uri).setSubmittedAt(Instant.now()).setSource(null)
              .setTenant(null).setAttributes(Map.of()).build();
          ids.add(event.getEventId().toString());
          producer.send(new ProducerRecord<>(Topics.VIDEO_EVENTS.name(), ids.get(ids.size() - 1),
              event)).get(30, TimeUnit.SECONDS);
        }
      }

      StageInstance streams = ExtractApp.RUNNER.create(config, registry);
      Map<String, ExtractionSummary> summaries = new HashMap<>();
      Map<String, Integer> cropCounts = new HashMap<>();
      try {
        streams.start();
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer(kafka, registry)) {
          consumer.subscribe(List.of(Topics.EXTRACTION_SUMMARIES.name(),
              Topics.FACE_CROPS.name()));
          long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
          // Both topics are read: a poll may bring a summary before the crops the same
          // transaction wrote to the other topic, so read until every summary's crops are in.
          while (!everyCropIn(summaries, cropCounts) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
              if (r.value() instanceof ExtractionSummary s) {
                assertThat(summaries.put(r.key(), s)).as("second summary for " + r.key())
                    .isNull();
              } else if (r.value() instanceof FaceCrop) {
                cropCounts.merge(r.key(), 1, Integer::sum);
              }
            });
          }
        }
      } finally {
        streams.close();
      }

      assertThat(summaries.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(summaries.get(ids.get(0)).getStatus()).isEqualTo(ExtractionStatus.OK);
      assertThat(summaries.get(ids.get(1)).getStatus()).isEqualTo(ExtractionStatus.REJECTED);
      assertThat(summaries.get(ids.get(2)).getStatus()).isEqualTo(ExtractionStatus.OK);
      // Crops come before their summary in the same transaction: all of them are there.
      for (String id : List.of(ids.get(0), ids.get(2))) {
        assertThat(cropCounts.get(id)).isEqualTo(summaries.get(id).getCropsEmitted())
            .isGreaterThan(0);
      }
    } finally {
      InMemorySchemaRegistry.dropScope(scope);
    }
  }

  private static boolean everyCropIn(Map<String, ExtractionSummary> summaries,
      Map<String, Integer> cropCounts) {
    return summaries.size() == 3 && summaries.entrySet().stream().allMatch(e ->
        cropCounts.getOrDefault(e.getKey(), 0) >= e.getValue().getCropsEmitted());
  }

  private static KafkaConsumer<String, SpecificRecord> consumer(InProcessKafkaCluster kafka,
      SchemaRegistryClient registry) {
    // One consumer for both topics: each topic's value serde, chosen by the record's topic.
    org.apache.kafka.common.serialization.Deserializer<SpecificRecord> values =
        (topic, data) -> (SpecificRecord) (topic.equals(Topics.FACE_CROPS.name())
            ? Topics.FACE_CROPS.valueSerde(registry, true).deserializer().deserialize(topic, data)
            : Topics.EXTRACTION_SUMMARIES.valueSerde(registry, true).deserializer()
                .deserialize(topic, data));
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        Topics.EXTRACTION_SUMMARIES.keySerde().deserializer(), values);
  }
}
