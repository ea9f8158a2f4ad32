package dev.deepscreen.streams.app;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage in this process: its Kafka Streams application and what its tasks share (the
 * scorer's models). Closing it closes the streams first, leaving the consumer group, then the
 * shared resource, which no task uses any more.
 */
public final class StageInstance implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageInstance.class);

  private final String name;
  private final KafkaStreams streams;
  private final AutoCloseable shared;

  StageInstance(String name, KafkaStreams streams, AutoCloseable shared) {
    this.name = name;
    this.streams = streams;
    this.shared = shared;
  }

  /** The stage's name, as its runner calls it. */
  public String name() {
    return name;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public void start() {
    streams.start();
  }

  @Override
  public void close() {
    try {
      StageRunner.close(streams);
    } finally {
      try {
        shared.close();
      } catch (Exception e) {
        LOG.warn("Closing what the tasks of {} shared failed", name, e);
      }
    }
  }
}
