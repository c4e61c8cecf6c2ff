package dev.joblib.internal.store.s3;

import dev.joblib.internal.store.EntryFrame;
import dev.joblib.internal.store.RecordedAccess;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.StoreBackend;
import dev.joblib.spi.StoredEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

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
 */
final class S3Store implements StoreBackend {
  static final String ACCESS_DIR = "access/";
  static final String FUNCTION_INFO = "func_code.json";
  static final int INLINE_BYTES = 256 << 10;
  private static final int DELETE_BATCH = 1000;
  private static final System.Logger LOG = System.getLogger(S3Store.class.getName());

  private final S3Settings settings;
  private final S3Client s3;
  private final String root;
  private final RecordedAccess recordedAccess;
  private volatile boolean conditionalWrites;

  S3Store(S3Settings settings, S3Client s3) {
    this.settings = settings;
    this.s3 = s3;
    this.root = settings.prefix() + "joblib/";
    this.recordedAccess = new RecordedAccess(settings.touchInterval());
    this.conditionalWrites = settings.conditionalWrites();
  }

  static S3Store open(S3Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(region(settings))
            .credentialsProvider(credentials(settings))
            .forcePathStyle(settings.pathStyle())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(settings.maxAttempts())
                            .build()));
    if (settings.endpoint() != null) {
      // S3-compatible servers (LocalStack, MinIO, s3proxy) do not all take the SDK's default
      // flexible checksums: send and check them only where S3 requires them
      builder
          .endpointOverride(settings.endpoint())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return new S3Store(settings, builder.build());
  }

  private static Region region(S3Settings settings) {
    if (settings.region() != null) {
      return Region.of(settings.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      return Region.US_EAST_1; // S3-compatible servers ignore it; AWS redirects to the bucket's
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    if (settings.accessKey() != null) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
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

  String bucket() {
    return settings.bucket();
  }

  S3Settings settings() {
    return settings;
  }

  S3Client client() {
    return s3;
  }

  private String where(String key) {
    return "s3://" + settings.bucket() + "/" + key;
  }

  UncheckedIOException failure(String what, String key, Exception e) {
    return new UncheckedIOException(
        what + " " + where(key),
        e instanceof IOException io ? io : new IOException(e.getMessage(), e));
  }

  // ---------------------------------------------------------------------------------- reading

  @Override
  public Optional<StoredEntry> get(EntryKey key) {
    String object = entryObject(key);
    try {
      ResponseBytes<GetObjectResponse> first =
          s3.getObjectAsBytes(
              b -> b.bucket(settings.bucket()).key(object).range("bytes=0-" + (INLINE_BYTES - 1)));
      byte[] prefix = first.asByteArrayUnsafe();
      long total = totalSize(first.response(), prefix.length);
      return Optional.of(new S3Entry(key, object, first.response().eTag(), total, prefix));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      if (e.statusCode() == 416) { // an empty object: not an entry, let the caller delete it
        return Optional.of(new S3Entry(key, object, null, 0, new byte[0]));
      }
      throw failure("cannot look up cache entry", object, e);
    } catch (SdkException e) {
      throw failure("cannot look up cache entry", object, e);
    }
  }

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

  private final class S3Entry implements StoredEntry {
    private final EntryKey key;
    private final String object;
    private final String etag;
    private final long total;
    private final byte[] prefix;
    private final byte[] metadata;
    private final int headerLength;
    private final IOException corrupt;

    S3Entry(EntryKey key, String object, String etag, long total, byte[] prefix) {
      this.key = key;
      this.object = object;
      this.etag = etag;
      this.total = total;
      byte[] head = prefix;
      byte[] meta = null;
      int length = 0;
      IOException problem = null;
      try {
        int metadataLength = EntryFrame.metadataLength(prefix, prefix.length, where(object));
        length = EntryFrame.FIXED_BYTES + metadataLength;
        if (length > total) {
          throw new StreamCorruptedException("entry header cut short: " + where(object));
        }
        if (length > prefix.length) { // metadata larger than the first read
          head = range(0, length - 1);
        }
        meta = java.util.Arrays.copyOfRange(head, EntryFrame.FIXED_BYTES, length);
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
        return s3.getObjectAsBytes(
                b ->
                    b.bucket(settings.bucket())
                        .key(object)
                        .range("bytes=" + from + "-" + to)
                        .ifMatch(etag))
            .asByteArray();
      } catch (SdkException e) {
        throw failure("cannot read cache entry", object, e);
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
        throw new UncheckedIOException("cannot read cache entry " + where(object), corrupt);
      }
      InputStream head =
          new ByteArrayInputStream(prefix, headerLength, Math.max(0, prefix.length - headerLength));
      if (prefix.length >= total) {
        return head;
      }
      try {
        InputStream rest =
            s3.getObject(
                b ->
                    b.bucket(settings.bucket())
                        .key(object)
                        .range("bytes=" + prefix.length + "-")
                        .ifMatch(etag));
        return new SequenceInputStream(head, rest);
      } catch (SdkException e) {
        throw failure("cannot read cache entry", object, e);
      }
    }

    @Override
    public byte[] readOutput() {
      if (corrupt == null && prefix.length >= total) {
        return java.util.Arrays.copyOfRange(prefix, headerLength, (int) total);
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
        throw new UncheckedIOException("cannot read cache entry " + where(object), corrupt);
      }
      return Optional.of(metadata.clone());
    }
  }

  // ---------------------------------------------------------------------------------- writing

  @Override
  public boolean publish(EntryKey key, EntryWriter output, byte[] metadata) {
    String object = entryObject(key);
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
        recordedAccess.remember(key, Instant.now());
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish cache entry " + where(object), e);
    } catch (SdkException e) {
      throw failure("cannot publish cache entry", object, e);
    }
  }

  boolean exists(String object) {
    try {
      s3.headObject(b -> b.bucket(settings.bucket()).key(object));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
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
      List<String> objects = keysUnder(entryPrefix);
      if (!objects.contains(entryObject(key))) {
        return; // missing entries are ignored
      }
      String marker = entryPrefix + ACCESS_DIR + accessTime.toEpochMilli();
      s3.putObject(b -> b.bucket(settings.bucket()).key(marker), RequestBody.empty());
      List<String> old = new ArrayList<>();
      for (String object : objects) {
        if (object.startsWith(entryPrefix + ACCESS_DIR) && !object.equals(marker)) {
          old.add(object);
        }
      }
      deleteObjects(old);
      recordedAccess.remember(key, accessTime);
    } catch (SdkException e) {
      throw failure("cannot record the access time of", entryPrefix, e);
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
        for (String found : keysUnder(entryPrefix(key))) {
          if (found.equals(object)) {
            entries.add(found);
            deleted++;
          } else {
            markers.add(found);
          }
        }
        recordedAccess.forget(key);
      }
      deleteObjects(entries); // entry objects first: readers see an entry or nothing
      deleteObjects(markers);
      return deleted;
    } catch (SdkException e) {
      throw failure("cannot delete cache entries", root, e);
    }
  }

  /** Every object key under a prefix (paginated). */
  private List<String> keysUnder(String prefix) {
    List<String> keys = new ArrayList<>();
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix))) {
      for (S3Object object : page.contents()) {
        keys.add(object.key());
      }
    }
    return keys;
  }

  /** Deletes objects in DeleteObjects batches; reports every object that failed. */
  void deleteObjects(List<String> keys) {
    UncheckedIOException failure = null;
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(key).build());
      }
      DeleteObjectsResponse response =
          s3.deleteObjects(
              b ->
                  b.bucket(settings.bucket())
                      .delete(Delete.builder().objects(batch).quiet(true).build()));
      for (S3Error error : response.errors()) {
        if ("NoSuchKey".equals(error.code())) {
          continue;
        }
        UncheckedIOException e =
            new UncheckedIOException(
                "cannot delete " + where(error.key()),
                new IOException(error.code() + ": " + error.message()));
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void deleteFunction(String functionId) {
    String prefix = root + EntryKey.checkFunctionId(functionId) + "/";
    try {
      deleteObjects(keysUnder(prefix));
      recordedAccess.forgetFunction(functionId);
    } catch (SdkException e) {
      throw failure("cannot delete the cache of function", prefix, e);
    }
  }

  @Override
  public void clear() {
    try {
      deleteObjects(keysUnder(root));
      recordedAccess.clear();
      abortUploads();
    } catch (SdkException e) {
      throw failure("cannot clear the cache at", root, e);
    }
  }

  /** Aborts multipart uploads left under the root by writers that died. */
  private void abortUploads() {
    try {
      for (var page :
          s3.listMultipartUploadsPaginator(b -> b.bucket(settings.bucket()).prefix(root))) {
        for (var upload : page.uploads()) {
          s3.abortMultipartUpload(
              b -> b.bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId()));
        }
      }
    } catch (S3Exception e) {
      if (e.statusCode() != 501) { // servers without the listing have nothing to abort here
        throw e;
      }
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

  String root() {
    return root;
  }

  // ---------------------------------------------------------------------------- function info

  @Override
  public Optional<byte[]> getFunctionInfo(String functionId) {
    String object = root + EntryKey.checkFunctionId(functionId) + "/" + FUNCTION_INFO;
    try {
      return Optional.of(
          s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(object)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("cannot read", object, e);
    }
  }

  @Override
  public void putFunctionInfo(String functionId, byte[] info) {
    String object = root + EntryKey.checkFunctionId(functionId) + "/" + FUNCTION_INFO;
    try {
      s3.putObject(b -> b.bucket(settings.bucket()).key(object), RequestBody.fromBytes(info));
    } catch (SdkException e) {
      throw failure("cannot write", object, e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  @Override
  public String toString() {
    return "S3Store[s3://" + settings.bucket() + "/" + settings.prefix() + "]";
  }
}
