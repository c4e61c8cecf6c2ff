package dev.joblib.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Which option names hold secrets, the one rule every settings type uses to print itself: a store
 * or backend option whose name contains {@code secret}, {@code password}, {@code passwd}, {@code
 * token}, {@code session} or {@code credential}, ends with {@code key} or {@code keys}, or has a
 * {@code .key.} part ({@code s3.secretKey}, {@code s3.accessKey}, {@code fs.s3a.secret.key}, {@code
 * fs.s3a.session.token}, {@code fs.azure.account.key.<account>...}), in any case. Its value is
 * printed as {@value #REDACTED}. A plug-in's own settings types should print themselves through
 * {@link #redacted(Map)} or {@link #redact(String, String)}.
 *
 * @since 0.1
 */
public final class SecretOptions {
  /** What a secret value is printed as. */
  public static final String REDACTED = "<redacted>";

  private static final List<String> WORDS =
      List.of("secret", "password", "passwd", "token", "session", "credential");

  private SecretOptions() {}

  /**
   * Tells whether an option's value is a secret.
   *
   * @param name the option's name
   * @return true if its value must never be printed
   */
  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String word : WORDS) {
      if (n.contains(word)) {
        return true;
      }
    }
    return n.endsWith("key") || n.endsWith("keys") || n.contains(".key.");
  }

  /**
   * Returns the value to print for an option.
   *
   * @param name the option's name
   * @param value its value
   * @return {@value #REDACTED} if the option is secret, else {@code value}
   */
  public static String redact(String name, String value) {
    return isSecret(name) ? REDACTED : value;
  }

  /**
   * Prints options as {@code {name=value, ...}}, sorted by name, secret values redacted.
   *
   * @param options options by name
   * @return the printable form
   */
  public static String redacted(Map<String, String> options) {
    StringJoiner out = new StringJoiner(", ", "{", "}");
    new TreeMap<>(options).forEach((name, value) -> out.add(name + "=" + redact(name, value)));
    return out.toString();
  }
}
