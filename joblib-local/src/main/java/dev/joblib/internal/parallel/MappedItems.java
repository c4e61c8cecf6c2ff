package dev.joblib.internal.parallel;

import dev.joblib.Fn1;
import dev.joblib.Joblib;
import dev.joblib.Task;
import java.util.Iterator;

/**
 * The tasks of {@code Parallel.map}: one function called on each item. As an iterator it gives
 * {@code delayed(fn, item)} per item; the engine reads the items themselves instead and batches
 * them with the function once ({@link dev.joblib.spi.Batch#ofCalls}), with no task object per item.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
public final class MappedItems<T, R> implements Iterator<Task<R>> {
  private final Iterator<? extends T> items;
  private final Fn1<T, R> function;

  private MappedItems(Iterator<? extends T> items, Fn1<T, R> function) {
    this.items = items;
    this.function = function;
  }

  /**
   * The tasks that call {@code function} on each item, read lazily.
   *
   * @param items the items
   * @param function the function
   * @param <T> the item type
   * @param <R> the result type
   * @return the tasks
   */
  public static <T, R> MappedItems<T, R> of(
      Iterable<? extends T> items, Fn1<? super T, ? extends R> function) {
    @SuppressWarnings("unchecked")
    Fn1<T, R> f = (Fn1<T, R>) function;
    return new MappedItems<>(items.iterator(), f);
  }

  @Override
  public boolean hasNext() {
    return items.hasNext();
  }

  @Override
  public Task<R> next() {
    return Joblib.delayed(function, items.next());
  }

  /** The function every task calls. */
  Fn1<T, R> function() {
    return function;
  }

  /** The next item itself (the argument of the next task). */
  Object nextItem() {
    return items.next();
  }
}
