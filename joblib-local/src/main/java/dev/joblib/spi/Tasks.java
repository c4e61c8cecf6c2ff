package dev.joblib.spi;

import dev.joblib.Fn0;
import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Fn3;
import dev.joblib.Fn4;
import dev.joblib.Joblib;
import dev.joblib.Task;
import java.io.Serializable;

/**
 * Rebuilds a {@link Task} from its {@linkplain Task#function() function} and {@linkplain
 * Task#args() arguments}, for a backend that ships tasks in a form of its own or replaces an
 * argument (by a reference to a copy shipped once, say).
 *
 * @since 0.1
 */
public final class Tasks {
  private Tasks() {}

  /**
   * The task that calls {@code function} with {@code args}, as {@code Joblib.delayed} makes it.
   *
   * @param function a {@code Fn0} to {@code Fn4} whose arity is the number of arguments
   * @param args the arguments, in order (elements may be null)
   * @return the task
   * @throws IllegalArgumentException if there are more than 4 arguments, or {@code function} is not
   *     the function type of their number
   */
  @SuppressWarnings("unchecked")
  public static Task<?> of(Serializable function, Object... args) {
    try {
      return switch (args.length) {
        case 0 -> Joblib.delayed((Fn0<Object>) function);
        case 1 -> Joblib.delayed((Fn1<Object, Object>) function, args[0]);
        case 2 -> Joblib.delayed((Fn2<Object, Object, Object>) function, args[0], args[1]);
        case 3 ->
            Joblib.delayed(
                (Fn3<Object, Object, Object, Object>) function, args[0], args[1], args[2]);
        case 4 ->
            Joblib.delayed(
                (Fn4<Object, Object, Object, Object, Object>) function,
                args[0],
                args[1],
                args[2],
                args[3]);
        default ->
            throw new IllegalArgumentException("a task has 0 to 4 arguments, not " + args.length);
      };
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          "function "
              + (function == null ? null : function.getClass().getName())
              + " is not the Fn type of "
              + args.length
              + " arguments",
          e);
    }
  }
}
