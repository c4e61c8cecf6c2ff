package dev.joblib.internal.store.s3;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.ObjectName;
import dev.joblib.internal.store.RecordedAccess;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The native S3 store ({@code s3://bucket/prefix}) on the AWS SDK for Java v2.
 *
 * <p>Each entry is one object, {@code <prefix>joblib/<functionId>/<argsId>/entry.joblib}, holding
 * the metadata and the output ({@link EntryFrame}), published by one PUT with {@code If-None-Match:
 * *} (above {@code s3.multipartThreshold}, a multipart upload completed with the same condition):
 * the first writer wins, the others get 412 and report {@code false}. A server that rejects the
 * condition (501) is written without it from then on, after a HEAD: concurrent writers of one key
 * may then end with the last one's content, which is the same value. Reads fetch the first 256 KiB
 * in one ranged GET (a small entry costs one request) and the rest with {@code If-Match} on the
 * first response's ETag. The SDK's standard retry strategy (exponential backoff with jitter)
 * retries throttling, 5xx and connection errors up to {@code s3.maxAttempts} times.
 *
 * <p>S3 has no access time: the last access of an entry is the name of a marker object {@code
 * <argsId>/access/<epochMillis>}, rewritten by {@link #touch} at most once per {@code
 * s3.touchInterval} (default 10 minutes) per entry and JVM; an entry without marker was last
 * accessed when it was written. Listing reads names, sizes and times from paginated ListObjectsV2
 * pages without opening any object; deletes go in DeleteObjects batches of 1000.
 *
 * <p>This class maps the store's operations to objects; the work is done by {@link S3Clients}
 * (building the SDK client), {@link S3Entry} (reading an entry), {@link S3Upload} (writing one),
 * {@link S3Listing} (listing entries) and {@link S3Bucket} (requests on many objects, and failures
 * translated into {@link UncheckedIOException}s).
 */
final class S3Store implements StoreBackend {
  static final String ACCESS_DIR = ObjectName.ACCESS_DIR + "/";
  static final String FUNCTION_INFO = "func_code.json";
  static final int INLINE_BYTES = 256 << 10;
  private static final System.Logger LOG = System.getLogger(S3Store.class.getName());

  private final S3Settings settings;
  private final S3Bucket bucket;
  private final String root;
  private final RecordedAccess recordedAccess;
  private volatile boolean conditionalWrites;

  S3Store(S3Settings settings, S3Client s3) {
    this.settings = settings;
    this.bucket = new S3Bucket(s3, settings.bucket());
    this.root = settings.prefix() + "joblib/";
    this.recordedAccess = new RecordedAccess(settings.touchInterval());
    this.conditionalWrites = settings.conditionalWrites();
  }

  static S3Store open(S3Settings settings) {
    return new S3Store(settings, S3Clients.create(settings));
  }

  @Override
  public URI location() {
    return settings.location();
  }

  String entryPrefix(EntryKey key) {
    return root + key.functionId() + "/" + key.argsId() + "/";
  }

  String entryObject(EntryKey key) {
    return entryPrefix(key) + EntryFrame.OBJECT_NAME;
  }

  S3Bucket bucket() {
    return bucket;
  }

  S3Settings settings() {
    return settings;
  }

  String root() {
    return root;
  }

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    return S3Entry.fetch(bucket, key, entryObject(key));
  }

  // ---------------------------------------------------------------------------------- writing

  @Override
  public boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    if (output.writesFiles()) {
      throw new UnsupportedOperationException(
          "cannot keep the files of a value codec in "
              + location()
              + ": the S3 store keeps each entry as objects, not as a directory");
    }
    String object = entryObject(key);
    // before the upload: the time the server lists (to the second) lies between this and the end,
    // so refining it with this time keeps entries in the order they were written
    Instant started = Instant.now();
    try (S3Upload upload =
        new S3Upload(
            this,
            object,
            EntryFrame.header(metadata),
            output.length(),
            settings,
            conditionalWrites)) {
      output.writeTo(upload.stream());
      S3Upload.Result result = upload.complete();
      if (result == S3Upload.Result.UNCONDITIONAL_NEEDED) {
        LOG.log(
            Level.WARNING,
            "[Memory] the S3 server at {0} rejects conditional writes (If-None-Match); entries"
                + " are written without it from now on (concurrent writers of one key: the last"
                + " one's identical content stays)",
            settings.endpoint() == null ? "AWS" : settings.endpoint());
        conditionalWrites = false;
        result = upload.completeUnconditionally();
      }
      if (result == S3Upload.Result.PUBLISHED) {
        recordedAccess.remember(key, started);
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish cache entry " + bucket.where(object), e);
    } catch (SdkException e) {
      throw bucket.failure("cannot publish cache entry", object, e);
    }
  }

  /**
   * When an entry without access marker was written: S3 lists upload times to the second, so
   * entries written within one second would tie for eviction; the time this JVM recorded when it
   * wrote the entry, if it falls within that second, is the finer one.
   */
  Instant writeTime(EntryKey key, long listedMillis) {
    return recordedAccess.refine(key, Instant.ofEpochMilli(listedMillis));
  }

  @Override
  public void touch(EntryKey key, Instant accessTime) {
    if (recordedAccess.isFresh(key, accessTime)) {
      return;
    }
    String entryPrefix = entryPrefix(key);
    try {
      List<String> objects = bucket.keysUnder(entryPrefix);
      if (!objects.contains(entryObject(key))) {
        return; // missing entries are ignored
      }
      String marker = entryPrefix + ACCESS_DIR + accessTime.toEpochMilli();
      bucket.client().putObject(b -> b.bucket(bucket.name()).key(marker), RequestBody.empty());
      List<String> old = new ArrayList<>();
      for (String object : objects) {
        if (object.startsWith(entryPrefix + ACCESS_DIR) && !object.equals(marker)) {
          old.add(object);
        }
      }
      bucket.deleteObjects(old);
      recordedAccess.remember(key, accessTime);
    } catch (SdkException e) {
      throw bucket.failure("cannot record the access time of", entryPrefix, e);
    }
  }

  // -------------------------------------------------------------------------------- deleting

  @Override
  public boolean delete(EntryKey key) {
    return deleteAll(List.of(key)) == 1;
  }

  @Override
  public int deleteAll(Collection<EntryKey> keys) {
    List<String> entries = new ArrayList<>();
    List<String> markers = new ArrayList<>();
    int deleted = 0;
    try {
      for (EntryKey key : keys) {
        String object = entryObject(key);
        for (String found : bucket.keysUnder(entryPrefix(key))) {
          if (found.equals(object)) {
            entries.add(found);
            deleted++;
          } else {
            markers.add(found);
          }
        }
        recordedAccess.forget(key);
      }
      bucket.deleteObjects(entries); // entry objects first: readers see an entry or nothing
      bucket.deleteObjects(markers);
      return deleted;
    } catch (SdkException e) {
      throw bucket.failure("cannot delete cache entries", root, e);
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    String prefix = root + EntryKey.checkFunctionId(functionId) + "/";
    try {
      bucket.deleteObjects(bucket.keysUnder(prefix));
      recordedAccess.forgetFunction(functionId);
    } catch (SdkException e) {
      throw bucket.failure("cannot delete the cache of function", prefix, e);
    }
  }

  @Override
  public void clear() {
    try {
      bucket.deleteObjects(bucket.keysUnder(root));
      recordedAccess.clear();
      bucket.abortUploads(root);
    } catch (SdkException e) {
      throw bucket.failure("cannot clear the cache at", root, e);
    }
  }

  // --------------------------------------------------------------------------------- listing

  @Override
  public Stream<EntryInfo> list() {
    return S3Listing.stream(this, root, null);
  }

  @Override
  public Stream<EntryInfo> list(String functionId) {
    return S3Listing.stream(this, root + EntryKey.checkFunctionId(functionId) + "/", functionId);
  }

  // ---------------------------------------------------------------------------- function info

  @Override
  public Optional<byte[]> getFunctionInfo(String functionId) {
    String object = root + EntryKey.checkFunctionId(functionId) + "/" + FUNCTION_INFO;
    try {
      return Optional.of(
          bucket.client().getObjectAsBytes(b -> b.bucket(bucket.name()).key(object)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw bucket.failure("cannot read", object, e);
    }
  }

  @Override
  public void putFunctionInfo(String functionId, byte[] info) {
    String object = root + EntryKey.checkFunctionId(functionId) + "/" + FUNCTION_INFO;
    try {
      bucket
          .client()
          .putObject(b -> b.bucket(bucket.name()).key(object), RequestBody.fromBytes(info));
    } catch (SdkException e) {
      throw bucket.failure("cannot write", object, e);
    }
  }

  @Override
  public void close() {
    bucket.client().close();
  }

  @Override
  public String toString() {
    return "S3Store[s3://" + settings.bucket() + "/" + settings.prefix() + "]";
  }
}
