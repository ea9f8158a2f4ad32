/**
 * The bucket: an S3 client behind one retry policy ({@link
 * dev.deepscreen.connectors.s3.storage.S3ErrorPolicy}) and objects published only when complete.
 */
package dev.deepscreen.connectors.s3.storage;
