package dev.joblib.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One daemon thread that runs the timeout checks of every running call, every 10 ms. */
public final class Watchdog {
  private static final long PERIOD_MILLIS = 10;
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "joblib-timeout-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private Watchdog() {}

  /** Runs {@code check} periodically until it returns false or the registration is cancelled. */
  public static Registration watch(BooleanSupplier check) {
    Registration registration = new Registration();
    registration.future =
        TIMER.scheduleWithFixedDelay(
            () -> {
              if (!check.getAsBoolean()) {
                registration.cancel();
              }
            },
            PERIOD_MILLIS,
            PERIOD_MILLIS,
            TimeUnit.MILLISECONDS);
    return registration;
  }

  /** A periodic check; cancel it when the call ends. */
  public static final class Registration {
    private volatile ScheduledFuture<?> future;

    public void cancel() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
