package dev.joblib.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a backend knows about one {@code Parallel} call.
 *
 * @param callId a unique id, usable as a job group or temp-directory name
 * @param timeout the per-task timeout if one is set (applied by {@code Parallel}; a backend may
 *     also use it, for instance to kill a hung worker)
 * @param totalTasks the number of tasks if the input's size is known
 * @param verbose joblib's verbosity level, 0 for silent
 * @since 0.1
 */
public record CallInfo(
    String callId, Optional<Duration> timeout, OptionalLong totalTasks, int verbose) {}
