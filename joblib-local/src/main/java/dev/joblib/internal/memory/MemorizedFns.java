package dev.joblib.internal.memory;

import dev.joblib.CacheValidation;
import dev.joblib.Fn0;
import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Fn3;
import dev.joblib.Fn4;
import dev.joblib.MemorizedCallException;
import dev.joblib.MemorizedFn0;
import dev.joblib.MemorizedFn1;
import dev.joblib.MemorizedFn2;
import dev.joblib.MemorizedFn3;
import dev.joblib.MemorizedFn4;
import dev.joblib.MemorizedResult;
import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * The implementations of {@code MemorizedFn0..4}. Each one only adapts its typed arguments to the
 * one generic {@link MemoizedCall} held by {@link Shell}, which implements everything that does not
 * depend on the arity, and wraps a checked exception of the function in a {@link
 * MemorizedCallException}.
 */
final class MemorizedFns {
  private MemorizedFns() {}

  /**
   * What every arity shares: the memoised call, the options returning copies, and the generic
   * obtain, inCache and shelve the typed methods delegate to.
   *
   * @param <S> the memoised function type the option methods return
   * @param <R> the result type
   */
  abstract static class Shell<S, R> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final MemoizedCall memo;

    Shell(MemoizedCall memo) {
      this.memo = memo;
    }

    /** Returns the same function over another memoised call. */
    abstract S with(MemoizedCall memo);

    @SuppressWarnings("unchecked")
    final R obtain(Callable<Object> compute, Object... args) {
      try {
        return (R) memo.call(args, compute);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw wrapped(e);
      }
    }

    final boolean inCache(Object... args) {
      return memo.isCached(args);
    }

    @SuppressWarnings("unchecked")
    final MemorizedResult<R> shelve(Callable<Object> compute, Object... args) {
      try {
        return (MemorizedResult<R>) (MemorizedResult<?>) memo.callAndShelve(args, compute);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw wrapped(e);
      }
    }

    private MemorizedCallException wrapped(Exception checked) {
      if (checked instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new MemorizedCallException(memo.functionId(), checked);
    }

    /** Deletes every stored result of this function. */
    public final void clear() {
      memo.clear();
    }

    /** Returns the function's id in the store. */
    public final String functionId() {
      return memo.functionId();
    }

    /** Returns a copy leaving these argument positions out of the key (not on MemorizedFn0). */
    public final S ignore(int... positions) {
      return with(memo.withIgnored(positions));
    }

    /** Returns a copy checking each entry with {@code validation}. */
    public final S cacheValidation(CacheValidation validation) {
      return with(memo.withValidation(validation));
    }

    /** Returns a copy keyed by an explicit version. */
    public final S version(String version) {
      return with(memo.withVersion(version));
    }

    @Override
    public final String toString() {
      String type = getClass().getSimpleName().replace("Memo", "MemorizedFn");
      return type + "[" + memo.functionId() + " in " + memo.location() + "]";
    }
  }

  static final class Memo0<R> extends Shell<MemorizedFn0<R>, R> implements MemorizedFn0<R> {
    private static final long serialVersionUID = 1L;
    private final Fn0<R> fn;

    Memo0(Fn0<R> fn, MemoizedCall memo) {
      super(memo);
      this.fn = fn;
    }

    @Override
    public R call() {
      return obtain(fn::call);
    }

    @Override
    MemorizedFn0<R> with(MemoizedCall memo) {
      return new Memo0<>(fn, memo);
    }

    @Override
    public boolean isCached() {
      return inCache();
    }

    @Override
    public MemorizedResult<R> callAndShelve() {
      return shelve(fn::call);
    }
  }

  static final class Memo1<A, R> extends Shell<MemorizedFn1<A, R>, R>
      implements MemorizedFn1<A, R> {
    private static final long serialVersionUID = 1L;
    private final Fn1<A, R> fn;

    Memo1(Fn1<A, R> fn, MemoizedCall memo) {
      super(memo);
      this.fn = fn;
    }

    @Override
    public R apply(A a) {
      return obtain(() -> fn.apply(a), a);
    }

    @Override
    MemorizedFn1<A, R> with(MemoizedCall memo) {
      return new Memo1<>(fn, memo);
    }

    @Override
    public boolean isCached(A a) {
      return inCache(a);
    }

    @Override
    public MemorizedResult<R> callAndShelve(A a) {
      return shelve(() -> fn.apply(a), a);
    }
  }

  static final class Memo2<A, B, R> extends Shell<MemorizedFn2<A, B, R>, R>
      implements MemorizedFn2<A, B, R> {
    private static final long serialVersionUID = 1L;
    private final Fn2<A, B, R> fn;

    Memo2(Fn2<A, B, R> fn, MemoizedCall memo) {
      super(memo);
      this.fn = fn;
    }

    @Override
    public R apply(A a, B b) {
      return obtain(() -> fn.apply(a, b), a, b);
    }

    @Override
    MemorizedFn2<A, B, R> with(MemoizedCall memo) {
      return new Memo2<>(fn, memo);
    }

    @Override
    public boolean isCached(A a, B b) {
      return inCache(a, b);
    }

    @Override
    public MemorizedResult<R> callAndShelve(A a, B b) {
      return shelve(() -> fn.apply(a, b), a, b);
    }
  }

  static final class Memo3<A, B, C, R> extends Shell<MemorizedFn3<A, B, C, R>, R>
      implements MemorizedFn3<A, B, C, R> {
    private static final long serialVersionUID = 1L;
    private final Fn3<A, B, C, R> fn;

    Memo3(Fn3<A, B, C, R> fn, MemoizedCall memo) {
      super(memo);
      this.fn = fn;
    }

    @Override
    public R apply(A a, B b, C c) {
      return obtain(() -> fn.apply(a, b, c), a, b, c);
    }

    @Override
    MemorizedFn3<A, B, C, R> with(MemoizedCall memo) {
      return new Memo3<>(fn, memo);
    }

    @Override
    public boolean isCached(A a, B b, C c) {
      return inCache(a, b, c);
    }

    @Override
    public MemorizedResult<R> callAndShelve(A a, B b, C c) {
      return shelve(() -> fn.apply(a, b, c), a, b, c);
    }
  }

  static final class Memo4<A, B, C, D, R> extends Shell<MemorizedFn4<A, B, C, D, R>, R>
      implements MemorizedFn4<A, B, C, D, R> {
    private static final long serialVersionUID = 1L;
    private final Fn4<A, B, C, D, R> fn;

    Memo4(Fn4<A, B, C, D, R> fn, MemoizedCall memo) {
      super(memo);
      this.fn = fn;
    }

    @Override
    public R apply(A a, B b, C c, D d) {
      return obtain(() -> fn.apply(a, b, c, d), a, b, c, d);
    }

    @Override
    MemorizedFn4<A, B, C, D, R> with(MemoizedCall memo) {
      return new Memo4<>(fn, memo);
    }

    @Override
    public boolean isCached(A a, B b, C c, D d) {
      return inCache(a, b, c, d);
    }

    @Override
    public MemorizedResult<R> callAndShelve(A a, B b, C c, D d) {
      return shelve(() -> fn.apply(a, b, c, d), a, b, c, d);
    }
  }
}
