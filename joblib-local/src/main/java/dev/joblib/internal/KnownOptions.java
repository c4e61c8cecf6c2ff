package dev.joblib.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses option names that a backend or a store does not declare, with one message everywhere: the
 * option given, whose options they are, the known names, and the near miss when there is one
 * (Python's {@code max_nbytes} for {@code maxNbytes}). Values are not repeated: a store option may
 * hold a secret.
 */
public final class KnownOptions {
  private KnownOptions() {}

  /**
   * Fails on the first name of {@code given}, in sorted order, that is not in {@code known}.
   *
   * @param parameter what the user set, such as {@code "option"} or {@code "store option"}
   * @param owner whose options they are, such as {@code "the processes backend"}
   * @param given the names given
   * @param known the names {@code owner} declares
   * @throws IllegalArgumentException if a name is not known
   */
  public static void require(String parameter, String owner, Set<String> given, Set<String> known) {
    for (String name : new TreeSet<>(given)) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            parameter
                + " '"
                + name
                + "': "
                + owner
                + (known.isEmpty()
                    ? " takes no options"
                    : " has no such option; its options are " + new TreeSet<>(known))
                + nearMiss(name, known));
      }
    }
  }

  /**
   * Fails on the first name of {@code given} that none of the declared owners knows: for options
   * set where no backend is named, which go to whichever backend the call picks.
   *
   * @param parameter what the user set, such as {@code "option"}
   * @param given the names given
   * @param knownByOwner the declared names by owner, such as {@code "processes"}
   * @throws IllegalArgumentException if a name is known to none of them
   */
  public static void requireAny(
      String parameter, Set<String> given, Map<String, Set<String>> knownByOwner) {
    Set<String> all = new TreeSet<>();
    knownByOwner.values().forEach(all::addAll);
    for (String name : new TreeSet<>(given)) {
      if (!all.contains(name)) {
        StringBuilder owners = new StringBuilder();
        knownByOwner.forEach(
            (owner, known) ->
                owners
                    .append(owners.length() == 0 ? "" : "; ")
                    .append(owner)
                    .append(": ")
                    .append(known.isEmpty() ? "none" : new TreeSet<>(known)));
        throw new IllegalArgumentException(
            parameter
                + " '"
                + name
                + "': no backend has such an option (no backend is named next to it, so it must"
                + " be an option of some backend; their options are "
                + owners
                + ")"
                + nearMiss(name, all));
      }
    }
  }

  private static String nearMiss(String name, Set<String> known) {
    String wanted = squeeze(name);
    for (String candidate : new TreeSet<>(known)) {
      if (squeeze(candidate).equals(wanted)) {
        return "; did you mean '" + candidate + "'?";
      }
    }
    return "";
  }

  /**
   * The name without case, underscores, dashes and dots: {@code max_nbytes} is {@code maxNbytes}.
   */
  private static String squeeze(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[_.\\-]", "");
  }
}
