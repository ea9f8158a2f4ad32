/**
 * The Kafka Connect S3 sink plugin that writes the verdict topic (and any other) to S3 with
 * deterministic object names, and the connector configurations that deploy it.
 */
package dev.deepscreen.connectors;
