package dev.deepscreen.streams.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage in this process: its Kafka Streams application, the binding of that application's
 * metrics (and its clients') to the process's registry, and what its tasks share (the scorer's
 * models). Closing it removes the Kafka metrics, closes the streams, leaving the consumer group,
 * then the shared resource, which no task uses any more.
 */
public final class StageInstance implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageInstance.class);

  private final String name;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics kafkaMetrics;
  private final AutoCloseable shared;
  private final RunMarker marker;

  StageInstance(String name, KafkaStreams streams, AutoCloseable shared, MeterRegistry meters,
      RunMarker marker) {
    this.name = name;
    this.streams = streams;
    this.shared = shared;
    this.marker = marker;
    this.kafkaMetrics = new KafkaStreamsMetrics(streams);
    kafkaMetrics.bindTo(meters);
  }

  /** The stage's name, as its runner calls it. */
  public String name() {
    return name;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public void start() {
    marker.start();
    streams.start();
  }

  @Override
  public void close() {
    try {
      // First, so that its refresh no longer reads the metrics of a closing application.
      kafkaMetrics.close();
      if (StageRunner.close(streams)) {
        marker.closed();
      }
    } finally {
      try {
        shared.close();
      } catch (Exception e) {
        LOG.warn("Closing what the tasks of {} shared failed", name, e);
      }
    }
  }
}
