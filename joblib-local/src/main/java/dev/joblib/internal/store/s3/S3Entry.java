package dev.joblib.internal.store.s3;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.StoredEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An entry read from S3. The lookup fetches the first {@link S3Store#INLINE_BYTES} in one ranged
 * GET, which holds the frame header and all of a small entry; the rest, and a header longer than
 * that, are fetched with {@code If-Match} on the first response's ETag, so a reader never mixes two
 * versions of an object. An object that is not a valid frame is found, and fails when read.
 */
final class S3Entry implements StoredEntry {
  private final S3Bucket bucket;
  private final EntryKey key;
  private final String object;
  private final String etag;
  private final long total;
  private final byte[] prefix;
  private final byte[] metadata;
  private final int headerLength;
  private final IOException corrupt;

  /** Looks an entry up: its first bytes, or empty when the object does not exist. */
  static Optional<StoredEntry> fetch(S3Bucket bucket, EntryKey key, String object) {
    try {
      ResponseBytes<GetObjectResponse> first =
          bucket
              .client()
              .getObjectAsBytes(
                  b ->
                      b.bucket(bucket.name())
                          .key(object)
                          .range("bytes=0-" + (S3Store.INLINE_BYTES - 1)));
      byte[] prefix = first.asByteArrayUnsafe();
      long total = totalSize(first.response(), prefix.length);
      return Optional.of(new S3Entry(bucket, key, object, first.response().eTag(), total, prefix));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      if (e.statusCode() == 416) { // an empty object: not an entry, let the caller delete it
        return Optional.of(new S3Entry(bucket, key, object, null, 0, new byte[0]));
      }
      throw bucket.failure("cannot look up cache entry", object, e);
    } catch (SdkException e) {
      throw bucket.failure("cannot look up cache entry", object, e);
    }
  }

  /** The object's size from a ranged response's {@code Content-Range}. */
  private static long totalSize(GetObjectResponse response, int received) {
    String range = response.contentRange();
    if (range != null) {
      int slash = range.lastIndexOf('/');
      if (slash >= 0 && !range.endsWith("*")) {
        return Long.parseLong(range.substring(slash + 1).trim());
      }
    }
    return received; // the server ignored the range and sent the whole object
  }

  private S3Entry(
      S3Bucket bucket, EntryKey key, String object, String etag, long total, byte[] prefix) {
    this.bucket = bucket;
    this.key = key;
    this.object = object;
    this.etag = etag;
    this.total = total;
    byte[] head = prefix;
    byte[] meta = null;
    int length = 0;
    IOException problem = null;
    try {
      int metadataLength = EntryFrame.metadataLength(prefix, prefix.length, bucket.where(object));
      length = EntryFrame.FIXED_BYTES + metadataLength;
      if (length > total) {
        throw new StreamCorruptedException("entry header cut short: " + bucket.where(object));
      }
      if (length > prefix.length) { // metadata larger than the first read
        head = range(0, length - 1);
      }
      meta = Arrays.copyOfRange(head, EntryFrame.FIXED_BYTES, length);
    } catch (IOException e) {
      problem = e;
    } catch (UncheckedIOException e) {
      problem = e.getCause();
    }
    this.prefix = head;
    this.metadata = meta;
    this.headerLength = length;
    this.corrupt = problem;
  }

  private byte[] range(long from, long to) {
    try {
      return bucket
          .client()
          .getObjectAsBytes(
              b ->
                  b.bucket(bucket.name())
                      .key(object)
                      .range("bytes=" + from + "-" + to)
                      .ifMatch(etag))
          .asByteArray();
    } catch (SdkException e) {
      throw bucket.failure("cannot read cache entry", object, e);
    }
  }

  @Override
  public EntryKey key() {
    return key;
  }

  @Override
  public long outputSize() {
    return corrupt != null ? 0 : total - headerLength;
  }

  @Override
  public InputStream openOutput() {
    if (corrupt != null) {
      throw new UncheckedIOException("cannot read cache entry " + bucket.where(object), corrupt);
    }
    InputStream head =
        new ByteArrayInputStream(prefix, headerLength, Math.max(0, prefix.length - headerLength));
    if (prefix.length >= total) {
      return head;
    }
    try {
      InputStream rest =
          bucket
              .client()
              .getObject(
                  b ->
                      b.bucket(bucket.name())
                          .key(object)
                          .range("bytes=" + prefix.length + "-")
                          .ifMatch(etag));
      return new SequenceInputStream(head, rest);
    } catch (SdkException e) {
      throw bucket.failure("cannot read cache entry", object, e);
    }
  }

  @Override
  public byte[] readOutput() {
    if (corrupt == null && prefix.length >= total) {
      return Arrays.copyOfRange(prefix, headerLength, (int) total);
    }
    return StoredEntry.super.readOutput();
  }

  @Override
  public Optional<java.nio.file.Path> localOutputFile() {
    return Optional.empty();
  }

  @Override
  public Optional<byte[]> readMetadata() {
    if (corrupt != null) {
      throw new UncheckedIOException("cannot read cache entry " + bucket.where(object), corrupt);
    }
    return Optional.of(metadata.clone());
  }
}
