/** Object formats: Avro object container files and JSON Lines of the records' writer schema. */
package dev.deepscreen.connectors.s3.format;
