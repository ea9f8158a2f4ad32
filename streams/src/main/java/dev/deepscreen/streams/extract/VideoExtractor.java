package dev.deepscreen.streams.extract;

import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.streams.app.DeadLetterHandler;
import dev.deepscreen.streams.app.PipelineMetric;
import dev.deepscreen.streams.extract.source.FetchedVideo;
import dev.deepscreen.streams.extract.source.VideoSources;
import dev.deepscreen.core.media.ExtractedFace;
import dev.deepscreen.core.media.FaceExtractor;
import dev.deepscreen.core.media.VideoException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one video event into its face crops and exactly one extraction summary. A video that
 * cannot be screened (refused, unreadable, over its budget) still gets its summary, with the
 * status and the reason, plus a dead letter; nothing a video does stops the stream. Each task has
 * its own detector and video sources (S3 and HTTP clients), closed with the task.
 */
final class VideoExtractor implements Processor<String, VideoEvent, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(VideoExtractor.class);

  private final ExtractConfig config;
  private ProcessorContext<String, SpecificRecord> context;
  private FaceExtractor extractor;
  private VideoSources sources;
  private final MeterRegistry meters;

  VideoExtractor(ExtractConfig config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.sources = config.videoSources();
    this.extractor = config.faceExtractor();
  }

  @Override
  public void process(Record<String, VideoEvent> record) {
    VideoEvent event = record.value();
    if (event == null) {
      return; // a tombstone on the input topic carries no request
    }
    String key = event.getEventId().toString();
    Instant started = now();
    try (FetchedVideo video = sources.fetch(event.getUri())) {
      FaceExtractor.Extraction extraction = extractor.extract(video.path());
      for (ExtractedFace face : extraction.faces()) {
        context.forward(record.withKey(key).withValue(
            ExtractionRecords.crop(event, face, now())));
      }
      ExtractionSummary summary = ExtractionRecords.ok(event, extraction, started, now());
      context.forward(record.withKey(key).withValue(summary));
      record(summary.getStatus(), extraction.faces().size(), started);
    } catch (VideoException e) {
      fail(record, key, event, ExtractionRecords.status(e.kind()), e.getMessage(), e, started);
    } catch (RuntimeException e) {
      // A fault of ours or of a native library on this input: report it for this video only.
      LOG.error("Extraction of event {} failed unexpectedly", key, e);
      fail(record, key, event, ExtractionStatus.UNREADABLE,
          "The video could not be processed: " + e, e, started);
    }
  }

  private void fail(Record<String, VideoEvent> record, String key, VideoEvent event,
      ExtractionStatus status, String reason, Exception error, Instant started) {
    LOG.info("Event {} ({}): {} - {}", key, event.getUri(), status, reason);
    context.forward(record.withKey(key).withValue(
        ExtractionRecords.summary(event, status, reason, null, started, now())));
    record(status, 0, started);
    RecordMetadata metadata = context.recordMetadata().orElse(null);
    context.forward(record.withKey(key).withValue(DeadLetterHandler.deadLetter(Stage.EXTRACT,
        config.applicationId(), metadata == null ? "" : metadata.topic(),
        metadata == null ? -1 : metadata.partition(), metadata == null ? -1 : metadata.offset(),
        record.timestamp(), key.getBytes(StandardCharsets.UTF_8), null, error, now())));
  }

  /** Counts attempts: a video retried after a crash under exactly-once counts again. */
  private void record(ExtractionStatus status, int crops, Instant started) {
    PipelineMetric.VIDEOS.count(meters, 1, status.name());
    PipelineMetric.FACE_CROPS.count(meters, crops);
    PipelineMetric.EXTRACT_SECONDS.observe(meters,
        (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0);
  }

  /**
   * The wall clock, not {@code context.currentSystemTimeMs()}: that is the stream thread's time
   * cached once per poll loop, and does not move during the seconds one video takes.
   */
  private static Instant now() {
    return Instant.ofEpochMilli(System.currentTimeMillis());
  }

  @Override
  public void close() {
    if (extractor != null) {
      extractor.close();
    }
    if (sources != null) {
      sources.close();
    }
  }
}
