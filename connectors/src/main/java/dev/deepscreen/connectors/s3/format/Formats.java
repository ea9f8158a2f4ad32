package dev.deepscreen.connectors.s3.format;

import dev.deepscreen.connectors.s3.S3SinkConfig;

/** Builds the format a configuration asks for. */
public final class Formats {
  private Formats() {}

  public static RecordFormat create(S3SinkConfig.Format format) {
    return switch (format) {
      case AVRO -> new AvroContainerFormat();
      case JSON -> new JsonLinesFormat();
    };
  }
}
