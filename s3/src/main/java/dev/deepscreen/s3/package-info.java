/**
 * The one S3 client setup of the project: {@link dev.deepscreen.s3.S3ClientConfig} declares the
 * client settings once (the extraction stage reads them as {@code extract.s3.*}, the sink
 * connector as {@code s3.*}), {@link dev.deepscreen.s3.S3Endpoint} validates the endpoint of an
 * S3-compatible store, and {@link dev.deepscreen.s3.S3Clients} builds the client, with the AWS
 * SDK's standard retry strategy.
 */
package dev.deepscreen.s3;
