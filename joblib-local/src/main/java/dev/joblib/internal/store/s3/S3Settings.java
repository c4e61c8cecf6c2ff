package dev.joblib.internal.store.s3;

import dev.joblib.spi.SecretOptions;
import dev.joblib.spi.StoreSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of an S3 store: the bucket and prefix of an {@code s3://bucket/prefix} location and
 * the {@code s3.*} store options ({@code Memory.builder().storeOption(...)}).
 */
record S3Settings(
    URI location,
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    boolean pathStyle,
    String accessKey,
    String secretKey,
    long multipartThreshold,
    int partSize,
    int maxAttempts,
    Duration touchInterval,
    boolean conditionalWrites) {
  static final String ENDPOINT = "s3.endpoint";
  static final String REGION = "s3.region";
  static final String PATH_STYLE = "s3.pathStyle";
  static final String ACCESS_KEY = "s3.accessKey";
  static final String SECRET_KEY = "s3.secretKey";
  static final String MULTIPART_THRESHOLD = "s3.multipartThreshold";
  static final String PART_SIZE = "s3.partSize";
  static final String MAX_ATTEMPTS = "s3.maxAttempts";
  static final String TOUCH_INTERVAL = "s3.touchInterval";
  static final String CONDITIONAL_WRITES = "s3.conditionalWrites";
  static final Set<String> OPTIONS =
      new TreeSet<>(
          Set.of(
              ENDPOINT,
              REGION,
              PATH_STYLE,
              ACCESS_KEY,
              SECRET_KEY,
              MULTIPART_THRESHOLD,
              PART_SIZE,
              MAX_ATTEMPTS,
              TOUCH_INTERVAL,
              CONDITIONAL_WRITES));
  private static final int MIN_PART = 5 << 20;

  static S3Settings parse(StoreSpec spec) {
    URI location = spec.location();
    Map<String, String> options = spec.options();
    for (String name : options.keySet()) {
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown store option '" + name + "' for an s3: location; options are " + OPTIONS);
      }
    }
    String bucket = location.getAuthority();
    if (bucket == null || bucket.isEmpty() || location.isOpaque()) {
      throw new IllegalArgumentException(
          "location must be s3://bucket/prefix with a bucket name, got '" + location + "'");
    }
    String prefix = location.getPath() == null ? "" : location.getPath();
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    URI endpoint = null;
    if (options.containsKey(ENDPOINT)) {
      try {
        endpoint = new URI(options.get(ENDPOINT));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "store option " + ENDPOINT + " must be a URI, got '" + options.get(ENDPOINT) + "'", e);
      }
      if (endpoint.getScheme() == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "store option "
                + ENDPOINT
                + " must be an absolute URI such as http://localhost:4566, got '"
                + endpoint
                + "'");
      }
    }
    String accessKey = options.get(ACCESS_KEY);
    String secretKey = options.get(SECRET_KEY);
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException(
          "store options " + ACCESS_KEY + " and " + SECRET_KEY + " must be given together");
    }
    int partSize = (int) bytes(options, PART_SIZE, 16 << 20, MIN_PART, 1L << 30);
    long threshold = bytes(options, MULTIPART_THRESHOLD, 16 << 20, MIN_PART, 5L << 30);
    int maxAttempts = (int) bytes(options, MAX_ATTEMPTS, 5, 1, 20);
    Duration touchInterval = Duration.ofMinutes(10);
    if (options.containsKey(TOUCH_INTERVAL)) {
      try {
        touchInterval = Duration.parse(options.get(TOUCH_INTERVAL));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "store option "
                + TOUCH_INTERVAL
                + " must be an ISO-8601 duration such as PT10M, got '"
                + options.get(TOUCH_INTERVAL)
                + "'",
            e);
      }
      if (touchInterval.isNegative()) {
        throw new IllegalArgumentException(
            "store option " + TOUCH_INTERVAL + " must not be negative, got " + touchInterval);
      }
    }
    return new S3Settings(
        location,
        bucket,
        prefix,
        endpoint,
        options.get(REGION),
        bool(options, PATH_STYLE, endpoint != null),
        accessKey,
        secretKey,
        threshold,
        partSize,
        maxAttempts,
        touchInterval,
        bool(options, CONDITIONAL_WRITES, true));
  }

  private static long bytes(
      Map<String, String> options, String name, long fallback, long min, long max) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "store option " + name + " must be a whole number, got '" + value + "'", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          "store option " + name + " must be in [" + min + ", " + max + "], got " + parsed);
    }
    return parsed;
  }

  private static boolean bool(Map<String, String> options, String name, boolean fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "store option " + name + " must be true or false, got '" + value + "'");
    };
  }

  /** The settings, with the credentials redacted (see {@link SecretOptions}). */
  @Override
  public String toString() {
    return "S3Settings[location="
        + location
        + ", endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", "
        + ACCESS_KEY
        + "="
        + (accessKey == null ? null : SecretOptions.redact(ACCESS_KEY, accessKey))
        + ", "
        + SECRET_KEY
        + "="
        + (secretKey == null ? null : SecretOptions.redact(SECRET_KEY, secretKey))
        + ", multipartThreshold="
        + multipartThreshold
        + ", partSize="
        + partSize
        + ", maxAttempts="
        + maxAttempts
        + ", touchInterval="
        + touchInterval
        + ", conditionalWrites="
        + conditionalWrites
        + "]";
  }
}
