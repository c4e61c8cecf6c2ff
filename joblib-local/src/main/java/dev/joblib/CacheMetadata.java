package dev.joblib;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Memory} records about a cached call in the entry's {@code metadata.json}; {@link
 * CacheValidation} predicates decide from it whether an entry is still good.
 *
 * @param function the cached function, as {@code package.Class/method}, never null
 * @param argsId the hash naming the entry, never null
 * @param time when the call finished, never null
 * @param duration how long the call took, never null
 * @param inputArgs a short text summary of each argument by parameter name (ignored ones included),
 *     never null
 * @param outputBytes the size of the stored output in bytes
 * @param codeHash the hash of the function's bytecode, or {@code version:<v>} for an explicit
 *     version, never null
 * @since 0.1
 */
public record CacheMetadata(
    String function,
    String argsId,
    Instant time,
    Duration duration,
    Map<String, String> inputArgs,
    long outputBytes,
    String codeHash) {
  /**
   * Validates and copies the metadata.
   *
   * @param function the cached function, as {@code package.Class/method}
   * @param argsId the hash naming the entry
   * @param time when the call finished
   * @param duration how long the call took
   * @param inputArgs a short text summary of each argument by parameter name
   * @param outputBytes the size of the stored output in bytes
   * @param codeHash the hash of the function's bytecode, or {@code version:<v>}
   * @throws NullPointerException if a component other than {@code outputBytes} is null
   */
  public CacheMetadata {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(argsId, "argsId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(duration, "duration");
    inputArgs = Map.copyOf(Objects.requireNonNull(inputArgs, "inputArgs"));
    Objects.requireNonNull(codeHash, "codeHash");
  }
}
