package dev.joblib.gadget;

/**
 * The code a gadget chain ends in. Its static initializer runs the first time any of its code runs
 * and records that in a system property, so a test can tell whether a load executed anything. The
 * classes that deserialize never refer to this class in their fields: only running a chain's {@code
 * transform} or {@code compare} initializes it. Ask {@link Chains#executed()}, not this class,
 * whether it ran: calling any method here runs the initializer.
 */
public final class GadgetProbe {
  /** The system property set when this class is initialized. */
  public static final String EXECUTED = "joblib.test.gadget.executed";

  static {
    System.setProperty(EXECUTED, "true");
  }

  private GadgetProbe() {}

  /** What a chain calls (a static method, as {@code Runtime.exec} would be). */
  public static Object fire(Object input) {
    return input;
  }
}
