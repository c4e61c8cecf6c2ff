package dev.joblib.stores;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Locations and store options of the test servers, as a user would write them. */
public final class StoreLocations {
  private StoreLocations() {}

  /** {@code Memory.builder().storeOption(...)} options for the native S3 store on a server. */
  public static Map<String, String> s3Options(S3Server s3) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("s3.endpoint", s3.endpoint().toString());
    options.put("s3.region", s3.region().id());
    options.put("s3.pathStyle", "true");
    options.put("s3.accessKey", s3.accessKey());
    options.put("s3.secretKey", s3.secretKey());
    options.put("s3.maxAttempts", "2");
    return options;
  }

  /** Hadoop options for the s3a file system on a server. */
  public static Map<String, String> s3aOptions(S3Server s3) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("fs.s3a.endpoint", s3.endpoint().toString());
    options.put("fs.s3a.endpoint.region", s3.region().id());
    options.put("fs.s3a.path.style.access", "true");
    options.put("fs.s3a.access.key", s3.accessKey());
    options.put("fs.s3a.secret.key", s3.secretKey());
    options.put("fs.s3a.connection.ssl.enabled", "false");
    options.put("fs.s3a.attempts.maximum", "1");
    options.put("fs.s3a.retry.limit", "1");
    options.put("fs.s3a.retry.interval", "100ms");
    options.put("fs.s3a.retry.throttle.limit", "1");
    options.put("fs.s3a.connection.establish.timeout", "2s");
    options.put("fs.s3a.impl.disable.cache", "true");
    return options;
  }

  /** {@code s3://bucket/path} */
  public static URI s3(String bucket, String path) {
    return URI.create("s3://" + bucket + "/" + path);
  }

  /** {@code s3a://bucket/path} */
  public static URI s3a(String bucket, String path) {
    return URI.create("s3a://" + bucket + "/" + path);
  }
}
