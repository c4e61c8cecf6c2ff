package dev.joblib.gadget;

import java.io.Serializable;
import org.apache.hadoop.shaded.org.apache.commons.collections4.Transformer;

/** {@link ProbeTransformer} for the copy of collections4 that hadoop-client-runtime relocates. */
public final class RelocatedProbeTransformer implements Transformer<Object, Object>, Serializable {
  private static final long serialVersionUID = 1L;
  boolean armed;

  @Override
  public Object transform(Object input) {
    return armed ? GadgetProbe.fire(input) : input;
  }
}
