package dev.deepscreen.connectors.s3.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one place that decides whether a failed S3 request, once the client's own retries are
 * spent, is worth trying again later. Server errors, throttling and I/O failures are transient;
 * everything else (access denied, no such bucket, a bad request, missing credentials) will fail
 * the same way again and must reach a person.
 */
public final class S3ErrorPolicy {
  private S3ErrorPolicy() {}

  public static boolean isRetryable(Throwable error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      return status >= 500 || status == 429 || service.isThrottlingException()
          || "RequestTimeout".equals(errorCode(service));
    }
    if (error instanceof SdkClientException client) {
      return client.retryable() || hasIoCause(client);
    }
    return error instanceof IOException || error instanceof UncheckedIOException;
  }

  private static String errorCode(AwsServiceException service) {
    return service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
  }

  private static boolean hasIoCause(Throwable error) {
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
