/**
 * The S3 sink connector for Kafka Connect: {@link dev.deepscreen.connectors.s3.S3SinkConnector}
 * (configuration and task settings), {@link dev.deepscreen.connectors.s3.S3SinkTask} (decoding,
 * errant records, committable offsets) and the per-partition writer that cuts records into
 * objects with deterministic keys, so that a replay rewrites objects instead of duplicating them.
 * Formats, partitioners and the S3 storage live in the sub-packages.
 */
package dev.deepscreen.connectors.s3;
