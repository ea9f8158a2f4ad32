package dev.deepscreen.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An S3 client and the credentials provider it was given, closed together: the client does not
 * close a provider it was given, and the default chain may hold a refreshing container or
 * instance-profile provider. Safe to close twice.
 */
public final class S3Connection implements AutoCloseable {

  private final S3Client client;
  private final AwsCredentialsProvider credentials;

  S3Connection(S3Client client, AwsCredentialsProvider credentials) {
    this.client = client;
    this.credentials = credentials;
  }

  public S3Client client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }
}
