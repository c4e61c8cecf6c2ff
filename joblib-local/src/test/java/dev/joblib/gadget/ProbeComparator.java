package dev.joblib.gadget;

import java.io.Serializable;
import java.util.Comparator;

/**
 * A gadget no deny-list knows: a serializable comparator of some library on the class path whose
 * {@code compare} runs code. {@code PriorityQueue.readObject} calls it.
 */
public final class ProbeComparator implements Comparator<Object>, Serializable {
  private static final long serialVersionUID = 1L;
  boolean armed;

  @Override
  public int compare(Object a, Object b) {
    if (armed) {
      GadgetProbe.fire(a);
    }
    return 0;
  }
}
