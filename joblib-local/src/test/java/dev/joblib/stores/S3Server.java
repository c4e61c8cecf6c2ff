package dev.joblib.stores;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible server for one test class: s3proxy in this JVM on 127.0.0.1 (transient in-memory
 * blob store), or, when {@value #ENDPOINT_VARIABLE} is set (for example {@code
 * http://localhost:4566} for LocalStack, or a MinIO endpoint), that external server instead.
 * Register it as {@code @RegisterExtension static final S3Server S3 = new S3Server();}.
 *
 * <p>Credentials for an external server come from {@value #ACCESS_KEY_VARIABLE} and {@value
 * #SECRET_KEY_VARIABLE} (default {@code test}/{@code test}, LocalStack's). Every bucket this
 * fixture creates is emptied and deleted after the class.
 */
public final class S3Server implements BeforeAllCallback, AfterAllCallback {
  /** Environment variable naming an external S3 endpoint to use instead of s3proxy. */
  public static final String ENDPOINT_VARIABLE = "JOBLIB_TEST_S3_ENDPOINT";

  /** Environment variable with the access key for the external endpoint. */
  public static final String ACCESS_KEY_VARIABLE = "JOBLIB_TEST_S3_ACCESS_KEY";

  /** Environment variable with the secret key for the external endpoint. */
  public static final String SECRET_KEY_VARIABLE = "JOBLIB_TEST_S3_SECRET_KEY";

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final String external = System.getenv(ENDPOINT_VARIABLE);
  private final List<String> buckets = new ArrayList<>();
  private BlobStore blobStore;
  private S3Proxy proxy;
  private int port;
  private S3Client client;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (running()) {
        for (String bucket : buckets) {
          deleteBucket(bucket);
        }
      }
    } finally {
      if (client != null) {
        client.close();
      }
      stop();
    }
  }

  /** Whether the tests run against an external server ({@value #ENDPOINT_VARIABLE} is set). */
  public boolean isExternal() {
    return external != null && !external.isBlank();
  }

  /**
   * Starts the in-process server; after {@link #stop()} it comes back on the same port with the
   * objects it held. Does nothing for an external server.
   */
  public synchronized void start() throws Exception {
    if (isExternal() || proxy != null) {
      return;
    }
    if (blobStore == null) {
      Properties properties = new Properties();
      properties.setProperty("jclouds.provider", "transient");
      blobStore = BlobStores.create("transient", properties);
    }
    S3Proxy started =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey(), secretKey())
            .build();
    started.start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!"STARTED".equals(started.getState())) {
      if (Instant.now().isAfter(deadline)) {
        started.stop();
        throw new IllegalStateException("s3proxy did not start within 30 s: " + started.getState());
      }
      Thread.sleep(10);
    }
    port = started.getPort();
    proxy = started;
  }

  /** Stops the in-process server (objects are kept for {@link #start()}). */
  public synchronized void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
      proxy = null;
    }
  }

  /** Whether the server answers (always true for an external one). */
  public synchronized boolean running() {
    return isExternal() || proxy != null;
  }

  /** The endpoint, {@code http://127.0.0.1:<port>} for the in-process server. */
  public URI endpoint() {
    return isExternal() ? URI.create(external) : URI.create("http://127.0.0.1:" + port);
  }

  /** The access key the server accepts. */
  public String accessKey() {
    return isExternal() ? env(ACCESS_KEY_VARIABLE, "test") : "access";
  }

  /** The secret key the server accepts. */
  public String secretKey() {
    return isExternal() ? env(SECRET_KEY_VARIABLE, "test") : "secret";
  }

  /** The region clients name (test servers accept any). */
  public Region region() {
    return Region.US_EAST_1;
  }

  /** A path-style client of this server. */
  public synchronized S3Client client() {
    if (client == null) {
      client =
          S3Client.builder()
              .endpointOverride(endpoint())
              .region(region())
              .forcePathStyle(true)
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(accessKey(), secretKey())))
              .build();
    }
    return client;
  }

  /** Creates a new empty bucket with a unique name; it is deleted after the class. */
  public String newBucket(String prefix) {
    String name =
        (prefix + "-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet())
            .toLowerCase(Locale.ROOT);
    client().createBucket(b -> b.bucket(name));
    synchronized (buckets) {
      buckets.add(name);
    }
    return name;
  }

  private void deleteBucket(String bucket) throws InterruptedException {
    S3Client s3 = client();
    for (int attempt = 1; ; attempt++) {
      List<String> left = new ArrayList<>();
      for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket))) {
        List<ObjectIdentifier> ids = new ArrayList<>();
        for (S3Object object : page.contents()) {
          ids.add(ObjectIdentifier.builder().key(object.key()).build());
          left.add(object.key());
        }
        if (!ids.isEmpty()) {
          s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(ids).build()));
        }
      }
      // uploads a writer gave up on (a refused conditional write) keep a bucket from being deleted
      for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket))) {
        for (var upload : page.uploads()) {
          left.add(upload.key() + " (upload)");
          s3.abortMultipartUpload(
              b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
        }
      }
      try {
        s3.deleteBucket(b -> b.bucket(bucket));
        return;
      } catch (S3Exception e) {
        // a store's background work (an access marker) may land after the listing: list again
        if (attempt == 3) {
          if (!isExternal()) {
            // s3proxy's transient store keeps the parts of uploads s3a gave up on without listing
            // them; it is discarded with this JVM
            System.err.println("[S3Server] bucket " + bucket + " left in s3proxy: " + e);
            return;
          }
          throw new IllegalStateException(
              "cannot delete bucket " + bucket + "; last seen " + left, e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
