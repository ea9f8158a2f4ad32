/**
 * The bucket: the project's S3 client (the SDK's standard retries), one policy deciding which
 * failures may pass ({@link dev.deepscreen.connectors.s3.storage.S3ErrorPolicy}), and objects
 * published only when complete.
 */
package dev.deepscreen.connectors.s3.storage;
