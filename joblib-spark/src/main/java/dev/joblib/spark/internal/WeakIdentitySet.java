package dev.joblib.spark.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Set;

/**
 * A set of objects compared by identity and held weakly: what it remembers of a long stream of
 * tasks does not keep their arguments alive.
 */
final class WeakIdentitySet {
  private final Set<Ref> refs = new HashSet<>();
  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();

  /** Whether {@code value} itself (not an equal object) is in the set. */
  boolean contains(Object value) {
    expunge();
    return refs.contains(new Ref(value, null));
  }

  /** Adds {@code value}. */
  void add(Object value) {
    expunge();
    refs.add(new Ref(value, cleared));
  }

  /** Forgets every value. */
  void clear() {
    refs.clear();
    expunge();
  }

  private void expunge() {
    for (Object ref; (ref = cleared.poll()) != null; ) {
      refs.remove(ref);
    }
  }

  private static final class Ref extends WeakReference<Object> {
    private final int hash;

    Ref(Object value, ReferenceQueue<Object> queue) {
      super(value, queue);
      this.hash = System.identityHashCode(value);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      Object value = get();
      return value != null && other instanceof Ref ref && ref.get() == value;
    }
  }
}
