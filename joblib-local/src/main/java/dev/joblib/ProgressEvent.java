package dev.joblib;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Progress of a {@link Parallel} call, given to a {@link ProgressListener}.
 *
 * @param done the number of tasks completed so far
 * @param total the number of tasks when the input's size is known
 * @param elapsed the time since the call started
 * @param finished whether this is the call's last event (every task done)
 * @since 0.1
 */
public record ProgressEvent(long done, OptionalLong total, Duration elapsed, boolean finished) {}
