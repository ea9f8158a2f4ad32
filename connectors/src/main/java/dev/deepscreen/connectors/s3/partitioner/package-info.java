/** The folder layout below a topic's folder: by Kafka partition, by field, by day or hour. */
package dev.deepscreen.connectors.s3.partitioner;
