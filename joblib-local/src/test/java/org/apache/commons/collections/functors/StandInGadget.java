package org.apache.commons.collections.functors;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A harmless stand-in for a deserialization gadget: it lives in the package of the Commons
 * Collections functors used by published gadget chains, and its {@code readObject} only counts that
 * it ran. A load that lets it through would show up in {@link #READS}.
 */
public final class StandInGadget implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How many times an instance was deserialized in this JVM. */
  public static final AtomicInteger READS = new AtomicInteger();

  /** A payload, to give the object some content. */
  public final String command;

  /**
   * A gadget carrying a command that a real gadget would run.
   *
   * @param command the text
   */
  public StandInGadget(String command) {
    this.command = command;
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    READS.incrementAndGet();
  }
}
