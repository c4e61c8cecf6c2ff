package dev.joblib.gadget;

import java.io.Serializable;
import org.apache.commons.collections4.Transformer;

/**
 * The end of a commons-collections4 chain: a serializable {@link Transformer} calling a static
 * method, standing for {@code InvokerTransformer}, which collections4 4.1 and later no longer let
 * serialize, or for any sink of another library on the class path. Disarmed while the chain is
 * built (a {@code PriorityQueue} compares as elements are added), armed before it is written.
 */
public final class ProbeTransformer implements Transformer<Object, Object>, Serializable {
  private static final long serialVersionUID = 1L;
  boolean armed;

  @Override
  public Object transform(Object input) {
    return armed ? GadgetProbe.fire(input) : input;
  }
}
