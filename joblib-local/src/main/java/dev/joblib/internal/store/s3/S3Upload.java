package dev.joblib.internal.store.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One entry being written to S3: buffered in memory and sent as one PUT, or, once it grows past the
 * multipart threshold, as a multipart upload whose parts leave as they fill. Either way the object
 * appears only at the final request, conditional on the key being absent. Closing an unfinished
 * upload aborts it, so a failing writer leaves nothing behind.
 */
final class S3Upload implements AutoCloseable {
  enum Result {
    PUBLISHED,
    EXISTS,
    UNCONDITIONAL_NEEDED
  }

  private static final int CONFLICT_ATTEMPTS = 4;

  private final S3Bucket objects;
  private final S3Client s3;
  private final String bucket;
  private final String object;
  private final S3Settings settings;
  private final boolean conditional;
  private byte[] buffer;
  private int count;
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private boolean exists;
  private boolean done;

  S3Upload(
      S3Store store,
      String object,
      byte[] header,
      long outputLength,
      S3Settings settings,
      boolean conditional)
      throws IOException {
    this.objects = store.bucket();
    this.s3 = objects.client();
    this.bucket = objects.name();
    this.object = object;
    this.settings = settings;
    this.conditional = conditional;
    long whole = outputLength < 0 ? -1 : header.length + outputLength;
    this.buffer =
        new byte
            [whole >= 0 && whole <= settings.multipartThreshold()
                ? (int) whole
                : Math.max(8192, header.length * 2)];
    write(header, 0, header.length);
  }

  OutputStream stream() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        S3Upload.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        S3Upload.this.write(b, off, len);
      }
    };
  }

  private void write(byte[] b, int off, int len) throws IOException {
    if (exists) {
      return; // the key is taken: the rest of the output is not needed
    }
    while (len > 0) {
      int limit =
          uploadId == null
              ? (int) Math.min(settings.multipartThreshold(), 1 << 30)
              : settings.partSize();
      if (count == limit) {
        if (uploadId == null) {
          startMultipart();
          if (exists) {
            return;
          }
        }
        uploadPart();
        continue;
      }
      int n = Math.min(len, limit - count);
      ensureCapacity(count + n);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  private void ensureCapacity(int needed) {
    if (needed > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max(needed, 2L * buffer.length), 1 << 30));
    }
  }

  private void startMultipart() {
    if (objects.exists(object)) { // a big upload is worth a HEAD first
      exists = true;
      return;
    }
    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(object)).uploadId();
  }

  private void uploadPart() {
    int number = parts.size() + 1;
    String etag =
        s3.uploadPart(
                b -> b.bucket(bucket).key(object).uploadId(uploadId).partNumber(number), body())
            .eTag();
    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    count = 0;
  }

  /**
   * The buffered bytes as a request body, without copying them: the synchronous client has sent
   * them (and any retry re-reads them) before the buffer is written again.
   */
  private RequestBody body() {
    byte[] bytes = buffer;
    int length = count;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
  }

  /** Sends what is left and publishes the object if its key is still free. */
  Result complete() {
    if (exists) {
      return Result.EXISTS;
    }
    if (uploadId != null && count > 0) {
      uploadPart();
    }
    return conditional ? finish(true) : completeUnconditionally();
  }

  /** Publishes without the condition, after checking that the key is free. */
  Result completeUnconditionally() {
    if (objects.exists(object)) {
      return Result.EXISTS;
    }
    return finish(false);
  }

  private Result finish(boolean ifNoneMatch) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (uploadId == null) {
          s3.putObject(
              b -> {
                b.bucket(bucket).key(object);
                if (ifNoneMatch) {
                  b.ifNoneMatch("*");
                }
              },
              body());
        } else {
          s3.completeMultipartUpload(
              b -> {
                b.bucket(bucket)
                    .key(object)
                    .uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build());
                if (ifNoneMatch) {
                  b.ifNoneMatch("*");
                }
              });
        }
        done = true;
        return Result.PUBLISHED;
      } catch (S3Exception e) {
        int status = e.statusCode();
        if (status == 412) {
          return Result.EXISTS;
        }
        if (ifNoneMatch && (status == 501 || "NotImplemented".equals(errorCode(e)))) {
          return Result.UNCONDITIONAL_NEEDED;
        }
        // 409: a concurrent conditional write of the same key is in flight; see who wins
        if (status == 409 && attempt < CONFLICT_ATTEMPTS) {
          sleep(100L << attempt);
          if (objects.exists(object)) {
            return Result.EXISTS;
          }
          continue;
        }
        throw e;
      }
    }
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    }
  }

  /** Aborts an unfinished multipart upload (a failed writer, or a key already taken). */
  @Override
  public void close() {
    if (uploadId != null && !done) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId));
      } catch (RuntimeException e) {
        // the parts stay invisible; clear() aborts leftover uploads
      }
    }
  }
}
