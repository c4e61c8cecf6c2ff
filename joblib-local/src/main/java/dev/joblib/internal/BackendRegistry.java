package dev.joblib.internal;

import dev.joblib.UnknownBackendException;
import dev.joblib.spi.ParallelBackendProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The backends found on the class path with {@link ServiceLoader}, by id. */
public final class BackendRegistry {
  private static final System.Logger LOG = System.getLogger(BackendRegistry.class.getName());
  private static final Map<String, String> KNOWN_ARTIFACTS =
      Map.of(
          "spark", "dev.joblib:joblib-spark",
          "beam", "dev.joblib:joblib-beam");
  private static volatile Map<String, ParallelBackendProvider> providers;
  private static volatile List<String> brokenProviders = List.of();

  private BackendRegistry() {}

  /** The provider registered under {@code id}. */
  public static ParallelBackendProvider provider(String id) {
    ParallelBackendProvider provider = all().get(id);
    if (provider == null) {
      String hint =
          KNOWN_ARTIFACTS.containsKey(id)
              ? " The '" + id + "' backend is provided by " + KNOWN_ARTIFACTS.get(id) + "."
              : "";
      String broken =
          brokenProviders.isEmpty()
              ? ""
              : " Backends that could not load: " + String.join(" | ", brokenProviders) + ".";
      throw new UnknownBackendException(
          "backend: unknown backend '"
              + id
              + "'; available: "
              + all().keySet()
              + "."
              + hint
              + broken);
    }
    return provider;
  }

  /**
   * Refuses option names the backend they were set for does not declare ({@link
   * ParallelBackendProvider#optionNames()}). With no backend named next to them ({@code id} null),
   * refuses names that no declaring backend knows. An unknown id, or a backend that does not
   * declare its names, is left to the call (which reports the id, or creates the backend that
   * checks its options itself).
   *
   * @param id the backend named next to the options, or null
   * @param names the option names given
   * @throws IllegalArgumentException if a name is not known, naming it and the known names
   */
  public static void checkOptions(String id, Set<String> names) {
    if (names.isEmpty()) {
      return;
    }
    if (id != null) {
      ParallelBackendProvider provider = all().get(id);
      if (provider != null) {
        provider
            .optionNames()
            .ifPresent(
                known -> KnownOptions.require("option", "the " + id + " backend", names, known));
      }
      return;
    }
    Map<String, Set<String>> declared = new TreeMap<>();
    all().forEach((pid, provider) -> provider.optionNames().ifPresent(k -> declared.put(pid, k)));
    KnownOptions.requireAny("option", names, declared);
  }

  /** Whether a provider is registered under {@code id}. */
  public static boolean has(String id) {
    return all().containsKey(id);
  }

  /** Every provider by id, sorted. */
  public static Map<String, ParallelBackendProvider> all() {
    Map<String, ParallelBackendProvider> found = providers;
    if (found == null) {
      synchronized (BackendRegistry.class) {
        found = providers;
        if (found == null) {
          found = load();
          providers = found;
        }
      }
    }
    return found;
  }

  /**
   * Loads every provider; one that cannot load (its module is there, a library it needs is not) is
   * skipped with a warning, and remembered to explain an unknown id, so the other backends work.
   */
  private static Map<String, ParallelBackendProvider> load() {
    Map<String, ParallelBackendProvider> found = new TreeMap<>();
    List<String> broken = new ArrayList<>();
    ClassLoader loader = BackendRegistry.class.getClassLoader();
    Iterator<ParallelBackendProvider> it =
        ServiceLoader.load(ParallelBackendProvider.class, loader).iterator();
    while (true) {
      ParallelBackendProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        String why = describe(e);
        broken.add(why);
        LOG.log(Level.WARNING, "a parallel backend cannot load and is skipped: " + why, e);
        continue;
      }
      ParallelBackendProvider clash = found.putIfAbsent(provider.id(), provider);
      if (clash != null) {
        throw new IllegalStateException(
            "two backends claim the id '"
                + provider.id()
                + "': "
                + clash.getClass().getName()
                + " and "
                + provider.getClass().getName());
      }
      LOG.log(Level.DEBUG, "found backend ''{0}'' ({1})", provider.id(), provider.getClass());
    }
    brokenProviders = List.copyOf(broken);
    return Map.copyOf(found);
  }

  /** The error and its causes' messages, which name the provider and the missing class. */
  private static String describe(Throwable e) {
    StringBuilder why = new StringBuilder(String.valueOf(e));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      why.append("; caused by ").append(c);
    }
    return why.toString();
  }
}
