package dev.joblib.gadget;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Gadget chains built by hand, as ysoserial's CommonsCollections2/4 are: {@code PriorityQueue}
 * (whose {@code readObject} sorts its elements) → {@code TransformingComparator} → {@code
 * ChainedTransformer} → {@code ConstantTransformer} and a sink calling {@link GadgetProbe#fire}.
 * Each chain is wrapped in an innocent-looking list, as a value an attacker plants in a cache
 * entry.
 */
public final class Chains {
  private Chains() {}

  /**
   * Whether any gadget code ran in this JVM: {@link GadgetProbe}'s initializer set its property
   * (the property is never cleared). Reads the property without touching {@link GadgetProbe}.
   */
  public static boolean executed() {
    return Boolean.getBoolean(GadgetProbe.EXECUTED);
  }

  /** The chain on commons-collections4 4.4. */
  public static List<Object> collections4() {
    ProbeTransformer sink = new ProbeTransformer();
    @SuppressWarnings("unchecked")
    org.apache.commons.collections4.Transformer<Object, Object>[] steps =
        new org.apache.commons.collections4.Transformer[] {
          new org.apache.commons.collections4.functors.ConstantTransformer<Object, Object>("x"),
          sink
        };
    var chain = new org.apache.commons.collections4.functors.ChainedTransformer<>(steps);
    var comparator =
        new org.apache.commons.collections4.comparators.TransformingComparator<Object, Object>(
            chain, new NaturalOrder());
    PriorityQueue<Object> queue = new PriorityQueue<>(2, comparator);
    queue.add(1);
    queue.add(2);
    sink.armed = true;
    return wrap(queue);
  }

  /** The same chain on the copy relocated into hadoop-client-runtime. */
  public static List<Object> relocatedCollections4() {
    RelocatedProbeTransformer sink = new RelocatedProbeTransformer();
    @SuppressWarnings("unchecked")
    org.apache.hadoop.shaded.org.apache.commons.collections4.Transformer<Object, Object>[] steps =
        new org.apache.hadoop.shaded.org.apache.commons.collections4.Transformer[] {
          new org.apache.hadoop.shaded.org.apache.commons.collections4.functors.ConstantTransformer<
              Object, Object>("x"),
          sink
        };
    var chain =
        new org.apache.hadoop.shaded.org.apache.commons.collections4.functors.ChainedTransformer<>(
            steps);
    var comparator =
        new org.apache.hadoop.shaded.org.apache.commons.collections4.comparators
                .TransformingComparator<
            Object, Object>(chain, new NaturalOrder());
    PriorityQueue<Object> queue = new PriorityQueue<>(2, comparator);
    queue.add(1);
    queue.add(2);
    sink.armed = true;
    return wrap(queue);
  }

  /** A chain through a gadget no deny-list names ({@link ProbeComparator}). */
  public static List<Object> unknownLibrary() {
    ProbeComparator comparator = new ProbeComparator();
    PriorityQueue<Object> queue = new PriorityQueue<>(2, comparator);
    queue.add(1);
    queue.add(2);
    comparator.armed = true;
    return wrap(queue);
  }

  private static List<Object> wrap(Object gadget) {
    List<Object> value = new ArrayList<>();
    value.add("square=144");
    value.add(gadget);
    return value;
  }

  /** A serializable comparator for the chains' decorated comparator. */
  static final class NaturalOrder implements java.util.Comparator<Object>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Object a, Object b) {
      return 0;
    }
  }
}
