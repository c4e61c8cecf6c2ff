package dev.joblib;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One delayed function call: a function and the arguments to call it with (joblib's {@code
 * delayed(f)(*args)}).
 *
 * <p>Build tasks with {@link Joblib#delayed(Fn1, Object)} and its overloads and hand them to {@link
 * Parallel#run(Iterable)} or {@link Parallel#stream(Iterable)}. A task is serializable when its
 * function and arguments are, which every backend that leaves the JVM requires.
 *
 * @param <R> the function's result type
 * @since 0.1
 */
public final class Task<R> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The function to call (a {@code Fn0}..{@code Fn4}). */
  private final Serializable function;

  /** The arguments, as many as the function takes. */
  private final Object[] args;

  private Task(Serializable function, Object[] args) {
    this.function = Objects.requireNonNull(function, "function must not be null");
    this.args = args;
  }

  static <R> Task<R> of(Fn0<R> fn) {
    return new Task<>(fn, new Object[0]);
  }

  static <A, R> Task<R> of(Fn1<A, R> fn, A a) {
    return new Task<>(fn, new Object[] {a});
  }

  static <A, B, R> Task<R> of(Fn2<A, B, R> fn, A a, B b) {
    return new Task<>(fn, new Object[] {a, b});
  }

  static <A, B, C, R> Task<R> of(Fn3<A, B, C, R> fn, A a, B b, C c) {
    return new Task<>(fn, new Object[] {a, b, c});
  }

  static <A, B, C, D, R> Task<R> of(Fn4<A, B, C, D, R> fn, A a, B b, C c, D d) {
    return new Task<>(fn, new Object[] {a, b, c, d});
  }

  /**
   * Returns the function this task calls: one of {@link Fn0} to {@link Fn4}.
   *
   * @return the function, never null
   */
  public Serializable function() {
    return function;
  }

  /**
   * Returns the arguments this task passes, in order.
   *
   * @return an unmodifiable list whose elements may be null
   */
  public List<Object> args() {
    return Collections.unmodifiableList(Arrays.asList(args));
  }

  /**
   * Calls the function with the arguments in the calling thread.
   *
   * @return what the function returned
   * @throws Exception what the function threw
   */
  @SuppressWarnings("unchecked")
  public R call() throws Exception {
    switch (args.length) {
      case 0:
        return ((Fn0<R>) function).call();
      case 1:
        return ((Fn1<Object, R>) function).apply(args[0]);
      case 2:
        return ((Fn2<Object, Object, R>) function).apply(args[0], args[1]);
      case 3:
        return ((Fn3<Object, Object, Object, R>) function).apply(args[0], args[1], args[2]);
      case 4:
        return ((Fn4<Object, Object, Object, Object, R>) function)
            .apply(args[0], args[1], args[2], args[3]);
      default:
        throw new IllegalStateException("a task has 0 to 4 arguments, not " + args.length);
    }
  }

  @Override
  public String toString() {
    return "Task[" + function.getClass().getName() + Arrays.toString(args) + "]";
  }
}
