package dev.deepscreen.streams.cli;

import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.streams.app.StageRunner;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/** Makes video events and sends them, for {@code submit} and {@code demo}. */
public final class VideoEvents {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

  private VideoEvents() {}

  /** A new event with a fresh id for the video at {@code uri}. */
  public static VideoEvent of(URI uri, String videoId, String source, String tenant,
      Map<String, String> attributes, Instant submittedAt) {
    return VideoEvent.newBuilder().setEventId(UUID.randomUUID()).setVideoId(videoId)
        .setUri(uri.toString()).setSubmittedAt(submittedAt).setSource(source).setTenant(tenant)
        .setAttributes(new LinkedHashMap<>(attributes)).build();
  }

  /**
   * Sends the events keyed by their ids and waits until the brokers have them all.
   *
   * @throws CommandException (1) naming the first event that could not be sent, and why
   */
  public static void send(Producer<String, VideoEvent> producer, List<VideoEvent> events) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try {
      for (VideoEvent event : events) {
        sent.add(producer.send(new ProducerRecord<>(Topics.VIDEO_EVENTS.name(),
            event.getEventId().toString(), event)));
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new CommandException(StageRunner.EXIT_FAILED, "Cannot submit the videos: "
          + e.getMessage(), e);
    }
    for (int i = 0; i < events.size(); i++) {
      try {
        sent.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandException(StageRunner.EXIT_FAILED, "Interrupted", e);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new CommandException(StageRunner.EXIT_FAILED, "Cannot submit "
            + events.get(i).getUri() + ": " + cause.getMessage(), cause);
      }
    }
  }
}
