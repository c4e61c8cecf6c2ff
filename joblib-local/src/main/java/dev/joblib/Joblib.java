package dev.joblib;

import dev.joblib.internal.CpuCount;

/**
 * joblib's top-level functions: {@code delayed}, {@code cpu_count} and {@code effective_n_jobs}.
 *
 * <pre>{@code
 * import static dev.joblib.Joblib.delayed;
 *
 * List<Double> roots = Parallel.create().nJobs(2)
 *     .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
 * }</pre>
 *
 * @since 0.1
 */
public final class Joblib {
  private Joblib() {}

  /**
   * Delays a call of a function without arguments.
   *
   * @param fn the function, never null
   * @param <R> its result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <R> Task<R> delayed(Fn0<R> fn) {
    return Task.of(Check.notNull(fn, "fn"));
  }

  /**
   * Delays a call of a function with one argument.
   *
   * @param fn the function, never null
   * @param a the argument
   * @param <A> the argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, R> Task<R> delayed(Fn1<A, R> fn, A a) {
    return Task.of(Check.notNull(fn, "fn"), a);
  }

  /**
   * Delays a call of a function with two arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, R> Task<R> delayed(Fn2<A, B, R> fn, A a, B b) {
    return Task.of(Check.notNull(fn, "fn"), a, b);
  }

  /**
   * Delays a call of a function with three arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, C, R> Task<R> delayed(Fn3<A, B, C, R> fn, A a, B b, C c) {
    return Task.of(Check.notNull(fn, "fn"), a, b, c);
  }

  /**
   * Delays a call of a function with four arguments.
   *
   * @param fn the function, never null
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @param d the fourth argument
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <C> the third argument type
   * @param <D> the fourth argument type
   * @param <R> the result type
   * @return the task
   * @throws NullPointerException if {@code fn} is null
   */
  public static <A, B, C, D, R> Task<R> delayed(Fn4<A, B, C, D, R> fn, A a, B b, C c, D d) {
    return Task.of(Check.notNull(fn, "fn"), a, b, c, d);
  }

  /**
   * Returns the number of CPUs this JVM may use: the JVM's count (which follows cgroup quotas, CPU
   * affinity and {@code -XX:ActiveProcessorCount}), capped by the {@code JOBLIB_MAX_CPU_COUNT}
   * environment variable.
   *
   * @return at least 1
   */
  public static int cpuCount() {
    return CpuCount.logical();
  }

  /**
   * Returns the number of CPUs, or of physical cores.
   *
   * @param onlyPhysicalCores whether to count physical cores rather than hardware threads (falls
   *     back to the logical count where the core layout cannot be read)
   * @return at least 1
   */
  public static int cpuCount(boolean onlyPhysicalCores) {
    return onlyPhysicalCores ? CpuCount.physical() : CpuCount.logical();
  }

  /**
   * Returns the number of workers a call with this {@code nJobs} gets on the local machine: {@code
   * nJobs} itself when positive, {@code max(cpuCount() + 1 + nJobs, 1)} when negative. Cluster
   * backends resolve negative values against the cluster's cores instead.
   *
   * @param nJobs positive or negative
   * @return at least 1
   * @throws IllegalArgumentException if {@code nJobs} is 0
   */
  public static int effectiveNJobs(int nJobs) {
    return CpuCount.resolve(Check.nJobs(nJobs));
  }
}
