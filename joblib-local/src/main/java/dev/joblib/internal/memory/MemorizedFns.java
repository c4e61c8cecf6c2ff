package dev.joblib.internal.memory;

import dev.joblib.CacheValidation;
import dev.joblib.Fn0;
import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Fn3;
import dev.joblib.Fn4;
import dev.joblib.MemorizedFn0;
import dev.joblib.MemorizedFn1;
import dev.joblib.MemorizedFn2;
import dev.joblib.MemorizedFn3;
import dev.joblib.MemorizedFn4;
import dev.joblib.MemorizedResult;

/** The implementations of {@code MemorizedFn0..4}: thin typed shells over {@link MemoizedCall}. */
final class MemorizedFns {
  private MemorizedFns() {}

  static final class Memo0<R> implements MemorizedFn0<R> {
    private static final long serialVersionUID = 1L;
    private final Fn0<R> fn;
    private final MemoizedCall core;

    Memo0(Fn0<R> fn, MemoizedCall core) {
      this.fn = fn;
      this.core = core;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R call() throws Exception {
      return (R) core.call(new Object[] {}, () -> fn.call());
    }

    @Override
    public boolean isCached() {
      return core.isCached(new Object[] {});
    }

    @Override
    @SuppressWarnings("unchecked")
    public MemorizedResult<R> callAndShelve() throws Exception {
      return (MemorizedResult<R>)
          (MemorizedResult<?>) core.callAndShelve(new Object[] {}, () -> fn.call());
    }

    @Override
    public void clear() {
      core.clear();
    }

    @Override
    public String functionId() {
      return core.functionId();
    }

    @Override
    public MemorizedFn0<R> cacheValidation(CacheValidation validation) {
      return new Memo0<>(fn, core.withValidation(validation));
    }

    @Override
    public MemorizedFn0<R> version(String version) {
      return new Memo0<>(fn, core.withVersion(version));
    }

    @Override
    public String toString() {
      return "MemorizedFn0[" + core.functionId() + " in " + core.location() + "]";
    }
  }

  static final class Memo1<A, R> implements MemorizedFn1<A, R> {
    private static final long serialVersionUID = 1L;
    private final Fn1<A, R> fn;
    private final MemoizedCall core;

    Memo1(Fn1<A, R> fn, MemoizedCall core) {
      this.fn = fn;
      this.core = core;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a) throws Exception {
      return (R) core.call(new Object[] {a}, () -> fn.apply(a));
    }

    @Override
    public boolean isCached(A a) {
      return core.isCached(new Object[] {a});
    }

    @Override
    @SuppressWarnings("unchecked")
    public MemorizedResult<R> callAndShelve(A a) throws Exception {
      return (MemorizedResult<R>)
          (MemorizedResult<?>) core.callAndShelve(new Object[] {a}, () -> fn.apply(a));
    }

    @Override
    public void clear() {
      core.clear();
    }

    @Override
    public String functionId() {
      return core.functionId();
    }

    @Override
    public MemorizedFn1<A, R> ignore(int... positions) {
      return new Memo1<>(fn, core.withIgnored(positions));
    }

    @Override
    public MemorizedFn1<A, R> cacheValidation(CacheValidation validation) {
      return new Memo1<>(fn, core.withValidation(validation));
    }

    @Override
    public MemorizedFn1<A, R> version(String version) {
      return new Memo1<>(fn, core.withVersion(version));
    }

    @Override
    public String toString() {
      return "MemorizedFn1[" + core.functionId() + " in " + core.location() + "]";
    }
  }

  static final class Memo2<A, B, R> implements MemorizedFn2<A, B, R> {
    private static final long serialVersionUID = 1L;
    private final Fn2<A, B, R> fn;
    private final MemoizedCall core;

    Memo2(Fn2<A, B, R> fn, MemoizedCall core) {
      this.fn = fn;
      this.core = core;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a, B b) throws Exception {
      return (R) core.call(new Object[] {a, b}, () -> fn.apply(a, b));
    }

    @Override
    public boolean isCached(A a, B b) {
      return core.isCached(new Object[] {a, b});
    }

    @Override
    @SuppressWarnings("unchecked")
    public MemorizedResult<R> callAndShelve(A a, B b) throws Exception {
      return (MemorizedResult<R>)
          (MemorizedResult<?>) core.callAndShelve(new Object[] {a, b}, () -> fn.apply(a, b));
    }

    @Override
    public void clear() {
      core.clear();
    }

    @Override
    public String functionId() {
      return core.functionId();
    }

    @Override
    public MemorizedFn2<A, B, R> ignore(int... positions) {
      return new Memo2<>(fn, core.withIgnored(positions));
    }

    @Override
    public MemorizedFn2<A, B, R> cacheValidation(CacheValidation validation) {
      return new Memo2<>(fn, core.withValidation(validation));
    }

    @Override
    public MemorizedFn2<A, B, R> version(String version) {
      return new Memo2<>(fn, core.withVersion(version));
    }

    @Override
    public String toString() {
      return "MemorizedFn2[" + core.functionId() + " in " + core.location() + "]";
    }
  }

  static final class Memo3<A, B, C, R> implements MemorizedFn3<A, B, C, R> {
    private static final long serialVersionUID = 1L;
    private final Fn3<A, B, C, R> fn;
    private final MemoizedCall core;

    Memo3(Fn3<A, B, C, R> fn, MemoizedCall core) {
      this.fn = fn;
      this.core = core;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a, B b, C c) throws Exception {
      return (R) core.call(new Object[] {a, b, c}, () -> fn.apply(a, b, c));
    }

    @Override
    public boolean isCached(A a, B b, C c) {
      return core.isCached(new Object[] {a, b, c});
    }

    @Override
    @SuppressWarnings("unchecked")
    public MemorizedResult<R> callAndShelve(A a, B b, C c) throws Exception {
      return (MemorizedResult<R>)
          (MemorizedResult<?>) core.callAndShelve(new Object[] {a, b, c}, () -> fn.apply(a, b, c));
    }

    @Override
    public void clear() {
      core.clear();
    }

    @Override
    public String functionId() {
      return core.functionId();
    }

    @Override
    public MemorizedFn3<A, B, C, R> ignore(int... positions) {
      return new Memo3<>(fn, core.withIgnored(positions));
    }

    @Override
    public MemorizedFn3<A, B, C, R> cacheValidation(CacheValidation validation) {
      return new Memo3<>(fn, core.withValidation(validation));
    }

    @Override
    public MemorizedFn3<A, B, C, R> version(String version) {
      return new Memo3<>(fn, core.withVersion(version));
    }

    @Override
    public String toString() {
      return "MemorizedFn3[" + core.functionId() + " in " + core.location() + "]";
    }
  }

  static final class Memo4<A, B, C, D, R> implements MemorizedFn4<A, B, C, D, R> {
    private static final long serialVersionUID = 1L;
    private final Fn4<A, B, C, D, R> fn;
    private final MemoizedCall core;

    Memo4(Fn4<A, B, C, D, R> fn, MemoizedCall core) {
      this.fn = fn;
      this.core = core;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(A a, B b, C c, D d) throws Exception {
      return (R) core.call(new Object[] {a, b, c, d}, () -> fn.apply(a, b, c, d));
    }

    @Override
    public boolean isCached(A a, B b, C c, D d) {
      return core.isCached(new Object[] {a, b, c, d});
    }

    @Override
    @SuppressWarnings("unchecked")
    public MemorizedResult<R> callAndShelve(A a, B b, C c, D d) throws Exception {
      return (MemorizedResult<R>)
          (MemorizedResult<?>)
              core.callAndShelve(new Object[] {a, b, c, d}, () -> fn.apply(a, b, c, d));
    }

    @Override
    public void clear() {
      core.clear();
    }

    @Override
    public String functionId() {
      return core.functionId();
    }

    @Override
    public MemorizedFn4<A, B, C, D, R> ignore(int... positions) {
      return new Memo4<>(fn, core.withIgnored(positions));
    }

    @Override
    public MemorizedFn4<A, B, C, D, R> cacheValidation(CacheValidation validation) {
      return new Memo4<>(fn, core.withValidation(validation));
    }

    @Override
    public MemorizedFn4<A, B, C, D, R> version(String version) {
      return new Memo4<>(fn, core.withVersion(version));
    }

    @Override
    public String toString() {
      return "MemorizedFn4[" + core.functionId() + " in " + core.location() + "]";
    }
  }
}
