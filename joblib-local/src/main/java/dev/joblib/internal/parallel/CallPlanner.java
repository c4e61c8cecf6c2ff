package dev.joblib.internal.parallel;

import dev.joblib.NestingDepthException;
import dev.joblib.Prefer;
import dev.joblib.Require;
import dev.joblib.internal.BackendRegistry;
import dev.joblib.internal.CpuCount;
import dev.joblib.internal.SequentialBackend;
import dev.joblib.internal.ThreadsBackend;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.Nesting;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.RunningTask;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Resolves a {@code Parallel}'s settings into the {@link CallPlan} of one call: settings set on the
 * instance win over the innermost open {@code ParallelConfig} scope, which wins over the defaults;
 * the backend follows {@code require}/{@code prefer} as joblib does; an effective single job runs
 * on the sequential backend; a call made inside a task runs on that task's nested backend (threads
 * up to the scope's {@code innerMaxNumThreads} when set), and one nested deeper than the limit is
 * refused with a {@link NestingDepthException}.
 */
public final class CallPlanner {
  private CallPlanner() {}

  /**
   * Plans one call.
   *
   * @param own the settings of the {@code Parallel} instance
   * @param scope the merged settings of the open scopes of the calling thread
   * @param backends where backends named by id are created and kept
   * @param total the number of tasks, when known
   * @return the resolved plan
   * @throws IllegalArgumentException if the settings conflict, or a backend does not fit them
   * @throws dev.joblib.UnknownBackendException if no backend has the id
   * @throws NestingDepthException if the call is nested deeper inside tasks than the limit
   */
  public static CallPlan plan(
      Settings own, Settings scope, KeptBackend backends, OptionalLong total) {
    RunningTask outer = RunningTask.current();
    int depth = outer == null ? 1 : outer.nesting().depth() + 1;
    int limit = maxNestingDepth();
    if (depth > limit) {
      throw new NestingDepthException(depth, limit);
    }
    return resolve(own, scope, backends, total, outer, depth);
  }

  /**
   * Returns the number of workers a call with these settings would get here ({@code
   * Joblib.effectiveNJobs}): the plan's, without running anything; a backend created for the
   * question is closed again.
   *
   * @param own the settings of the would-be call
   * @param scope the merged settings of the open scopes of the calling thread
   * @return at least 1
   * @throws IllegalArgumentException if the settings conflict, or a backend does not fit them
   * @throws dev.joblib.UnknownBackendException if no backend has the id
   */
  public static int effectiveNJobs(Settings own, Settings scope) {
    if (Integer.valueOf(1).equals(own.nJobs())) {
      return 1;
    }
    RunningTask outer = RunningTask.current();
    int depth = outer == null ? 1 : outer.nesting().depth() + 1;
    KeptBackend kept = new KeptBackend(own);
    try {
      return resolve(own, scope, kept, OptionalLong.empty(), outer, depth).nJobs();
    } finally {
      kept.close();
    }
  }

  private static CallPlan resolve(
      Settings own,
      Settings scope,
      KeptBackend backends,
      OptionalLong total,
      RunningTask outer,
      int depth) {
    if (outer != null && outer.nestingLevel() > 0) {
      return nestedPlan(own, scope, backends, outer, total);
    }
    Settings merged = scope.overlaidWith(own);
    if (merged.require() == Require.SHAREDMEM && merged.prefer() == Prefer.PROCESSES) {
      throw new IllegalArgumentException(
          "prefer(PROCESSES) conflicts with require(SHAREDMEM): worker processes do not share"
              + " memory");
    }
    ParallelBackend backend;
    Integer nJobs = merged.nJobs();
    if (own.namesBackend()) {
      backend = backends.backendFor(own, nJobs, merged);
      requireSharedMemoryIfAsked(merged, backend);
    } else if (scope.namesBackend()) {
      backend = backends.backendFor(scope, nJobs, merged);
      if (merged.require() == Require.SHAREDMEM
          && !backend.capabilities().contains(Capability.SHARED_MEMORY)) {
        nJobs = own.nJobs(); // joblib: back to threads, and to 1 job unless set explicitly
        backend = backends.backendFor(Settings.EMPTY.withBackend(ThreadsBackend.ID), nJobs, merged);
      }
    } else {
      String id =
          merged.prefer() == Prefer.PROCESSES
                  && merged.require() == null
                  && BackendRegistry.has("processes")
              ? "processes"
              : ThreadsBackend.ID;
      backend = backends.backendFor(Settings.EMPTY.withBackend(id), nJobs, merged);
    }
    int effective = backend.nJobs();
    if (effective == 1 && !backend.id().equals(SequentialBackend.ID)) {
      backend = new SequentialBackend(SequentialBackend.ID);
    }
    boolean sequential = backend.id().equals(SequentialBackend.ID);
    int inner = merged.innerMaxNumThreads() == null ? 0 : merged.innerMaxNumThreads();
    String nested = backend.nestedBackend();
    if (inner > 0 && backend.id().equals(ThreadsBackend.ID)) {
      nested = ThreadsBackend.ID; // threads inside threads: only when asked, up to the limit
    }
    return planOn(
        backend, effective, merged, total, new Nesting(nested, sequential ? 0 : 1, depth, inner));
  }

  private static CallPlan nestedPlan(
      Settings own, Settings scope, KeptBackend backends, RunningTask outer, OptionalLong total) {
    Settings merged = scope.overlaidWith(own);
    Nesting nesting = outer.nesting();
    String id = nesting.backend();
    boolean sequential = id.equals(SequentialBackend.ID);
    int requested = sequential || own.nJobs() == null ? 1 : own.nJobs();
    if (!sequential && nesting.innerMaxNumThreads() > 0) {
      requested = Math.min(CpuCount.resolve(requested), nesting.innerMaxNumThreads());
    }
    ParallelBackend backend =
        sequential
            ? new SequentialBackend(SequentialBackend.ID)
            : backends.backendFor(Settings.EMPTY.withBackend(id), requested, merged);
    int effective = backend.nJobs();
    if (effective == 1 && !sequential) {
      backend = new SequentialBackend(SequentialBackend.ID);
    }
    return planOn(
        backend,
        effective,
        merged,
        total,
        new Nesting(
            SequentialBackend.ID,
            nesting.level() + 1,
            nesting.depth() + 1,
            nesting.innerMaxNumThreads()));
  }

  /**
   * The nesting-depth limit of this JVM: the system property, else the default.
   *
   * @throws IllegalArgumentException if the property is not a positive number
   */
  static int maxNestingDepth() {
    String value = System.getProperty(NestingDepthException.LIMIT_PROPERTY);
    if (value == null) {
      return NestingDepthException.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value.strip());
      if (limit >= 1) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "system property "
            + NestingDepthException.LIMIT_PROPERTY
            + " must be a positive number, got '"
            + value
            + "'");
  }

  /** The plan for a call on a chosen backend, the rest taken from the merged settings. */
  private static CallPlan planOn(
      ParallelBackend backend,
      int effective,
      Settings merged,
      OptionalLong total,
      Nesting nesting) {
    return new CallPlan(
        backend,
        effective,
        merged.batchSize(),
        preDispatch(merged, backend, effective, total),
        merged.timeout(),
        merged.verbose() == null ? 0 : merged.verbose(),
        merged.progress(),
        merged.seed() != null ? merged.seed() : ThreadLocalRandom.current().nextLong(),
        nesting);
  }

  /**
   * The user's pre-dispatch, else the backend's default; a backend fed in waves gets an input of
   * known size as one wave, since each wave costs it a job and a sized input has no laziness to
   * keep (not with a timeout: a wave's batches grow with the wave, and the timeout is per batch).
   */
  private static int preDispatch(
      Settings merged, ParallelBackend backend, int nJobs, OptionalLong total) {
    if (merged.preDispatch() != null) {
      return PreDispatch.evaluate(merged.preDispatch(), nJobs);
    }
    DispatchPolicy policy = backend.dispatchPolicy();
    int window = PreDispatch.evaluate(policy.defaultPreDispatch(), nJobs);
    if (policy.waves() && total.isPresent() && merged.timeout() == null) {
      return (int) Math.max(window, Math.min(total.getAsLong(), PreDispatch.ALL));
    }
    return window;
  }

  private static void requireSharedMemoryIfAsked(Settings merged, ParallelBackend backend) {
    if (merged.require() == Require.SHAREDMEM
        && !backend.capabilities().contains(Capability.SHARED_MEMORY)) {
      throw new IllegalArgumentException(
          "backend '"
              + backend.id()
              + "' does not share memory with the caller, but require(SHAREDMEM) was set; use"
              + " 'threads' or drop the requirement");
    }
  }
}
