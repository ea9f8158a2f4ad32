package dev.deepscreen.connectors.s3.storage;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An object being written. Bytes are buffered; each time a part's worth is buffered it is
 * uploaded as a part of a multipart upload, so memory stays at one part per open object. Nothing
 * becomes visible in the bucket until {@link #commit()}: a small object is then written with one
 * PUT, a large one by completing its upload. {@link #close()} does not publish, so a format that
 * closes its stream cannot publish a half-finished batch; {@link #abort()} drops the parts.
 */
public final class S3OutputStream extends OutputStream {

  private static final Logger log = LoggerFactory.getLogger(S3OutputStream.class);

  private final S3Storage storage;
  private final String key;
  private final int partSize;
  private final ByteArrayOutputStream buffer;
  private final List<CompletedPart> parts = new ArrayList<>();
  private String uploadId;
  private long size;
  private boolean finished;

  S3OutputStream(S3Storage storage, String key, int partSize) {
    this.storage = storage;
    this.key = key;
    this.partSize = partSize;
    this.buffer = new ByteArrayOutputStream(Math.min(partSize, 64 * 1024));
  }

  public String key() {
    return key;
  }

  /** Bytes written so far. */
  public long size() {
    return size;
  }

  @Override
  public void write(int b) {
    checkOpen();
    buffer.write(b);
    size++;
    uploadFullPart();
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    checkOpen();
    buffer.write(bytes, offset, length);
    size += length;
    uploadFullPart();
  }

  private void uploadFullPart() {
    if (buffer.size() >= partSize) {
      uploadPart();
    }
  }

  private void uploadPart() {
    if (uploadId == null) {
      uploadId = storage.call("start multipart upload of " + key, () -> storage.client()
          .createMultipartUpload(b -> b.bucket(storage.bucket()).key(key)).uploadId());
    }
    int number = parts.size() + 1;
    byte[] bytes = buffer.toByteArray();
    String etag = storage.call("upload part " + number + " of " + key, () -> storage.client()
        .uploadPart(b -> b.bucket(storage.bucket()).key(key).uploadId(uploadId)
            .partNumber(number), RequestBody.fromBytes(bytes)).eTag());
    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    buffer.reset();
  }

  /** Publishes the object under its key, replacing any object of the same key. */
  public void commit() {
    checkOpen();
    if (uploadId == null) {
      byte[] bytes = buffer.toByteArray();
      storage.call("put " + key, () -> storage.client().putObject(
          b -> b.bucket(storage.bucket()).key(key), RequestBody.fromBytes(bytes)));
    } else {
      if (buffer.size() > 0) {
        uploadPart();
      }
      storage.call("complete multipart upload of " + key, () -> storage.client()
          .completeMultipartUpload(b -> b.bucket(storage.bucket()).key(key).uploadId(uploadId)
              .multipartUpload(m -> m.parts(parts))));
    }
    finished = true;
    buffer.reset();
  }

  /** Drops the object: its buffered bytes and any uploaded parts. Safe to call twice. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    buffer.reset();
    if (uploadId != null) {
      try {
        storage.call("abort multipart upload of " + key, () -> storage.client()
            .abortMultipartUpload(b -> b.bucket(storage.bucket()).key(key).uploadId(uploadId)));
      } catch (RuntimeException e) {
        // A lifecycle rule on incomplete uploads cleans up what this leaves behind.
        log.warn("Cannot abort the multipart upload of {}: {}", key, e.toString());
      }
    }
  }

  /** Does not publish: see {@link #commit()}. */
  @Override
  public void close() {}

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("Object " + key + " is already committed or aborted");
    }
  }
}
