package dev.joblib.internal.parallel;

import dev.joblib.internal.BackendRegistry;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * The lifecycle of the backend a {@code Parallel} instance creates and keeps between its calls:
 * created on first use, reused while the id and spec stay the same, replaced when they change, and
 * closed by {@link #close()} or, once the owner is unreachable, abandoned ({@link
 * ParallelBackend#abandon()}) by a {@link Cleaner}. It also holds the owner's one-call-at-a-time
 * rule ({@link #begin()}, {@link #end(long)}) and the running call, which {@link #close()} aborts
 * before it closes the backend under it.
 */
public final class KeptBackend {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Object owner;
  private final Holder holder = new Holder();
  private boolean running;
  private long calls;
  private CallHandle<?> open;
  private boolean registered;

  /**
   * Creates an empty keeper; nothing is created before {@link #backendFor}.
   *
   * @param owner the object whose unreachability closes the kept backend
   */
  public KeptBackend(Object owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  /**
   * Marks a call as running.
   *
   * @return the call's number, for {@link #started} and {@link #end(long)}
   * @throws IllegalStateException if a call is already running
   */
  public synchronized long begin() {
    if (running) {
      throw new IllegalStateException(
          "this Parallel instance is already running a call; wait for it to finish (consume or"
              + " close its stream) or use another instance");
    }
    running = true;
    return ++calls;
  }

  /**
   * Records the started call, so that {@link #close()} can abort it; aborts it at once if the
   * instance was closed since {@link #begin()}.
   *
   * @param number the call's number from {@link #begin()}
   * @param call the started call
   */
  public void started(long number, CallHandle<?> call) {
    synchronized (this) {
      if (running && number == calls) {
        open = call;
        return;
      }
    }
    call.abort();
  }

  /**
   * Marks the call as finished; nothing if {@link #close()} already detached it.
   *
   * @param number the call's number from {@link #begin()}
   */
  public synchronized void end(long number) {
    if (number == calls) {
      running = false;
      open = null;
    }
  }

  /**
   * Aborts the running call, if any (see {@link CallHandle#abort()}), then closes the kept backend;
   * a later call creates a new one. Never fails because a call is running.
   */
  public void close() {
    CallHandle<?> call;
    synchronized (this) {
      call = open;
      open = null;
      running = false;
      calls++;
    }
    if (call != null) {
      call.abort();
    }
    synchronized (this) {
      holder.run();
    }
  }

  /**
   * Returns the backend named by {@code source}: an instance as given (never kept nor closed), or
   * the kept one created from the provider of its id.
   *
   * @param source settings that name a backend
   * @param nJobs the requested number of workers, or null for the provider's default
   * @param merged the call's settings, for the backend options and verbosity
   * @return the backend
   * @throws dev.joblib.UnknownBackendException if no backend has the id
   */
  public synchronized ParallelBackend backendFor(Settings source, Integer nJobs, Settings merged) {
    if (source.backendInstance() != null) {
      return source.backendInstance();
    }
    String id = source.backendId();
    ParallelBackendProvider provider = BackendRegistry.provider(id);
    int requested = nJobs != null ? nJobs : provider.defaultNJobs();
    BackendSpec spec =
        new BackendSpec(
            requested,
            merged.options(),
            merged.verbose() == null ? 0 : merged.verbose(),
            merged.innerMaxNumThreads() == null ? 0 : merged.innerMaxNumThreads());
    if (holder.backend != null && id.equals(holder.id) && spec.equals(holder.spec)) {
      return holder.backend;
    }
    holder.run();
    holder.backend = Objects.requireNonNull(provider.create(spec), "backend of " + id);
    holder.id = id;
    holder.spec = spec;
    if (!registered) {
      registered = true;
      CLEANER.register(owner, holder::abandon);
    }
    return holder.backend;
  }

  /**
   * Holds the kept backend. {@link #abandon()} is the Cleaner's action, so the holder must not
   * refer to the owner.
   */
  private static final class Holder {
    private ParallelBackend backend;
    private String id;
    private BackendSpec spec;

    /** Closes the kept backend (the owner closed it, or replaces it). */
    synchronized void run() {
      ParallelBackend b = take();
      if (b != null) {
        b.close();
      }
    }

    /** Abandons the kept backend: its owner became unreachable without being closed. */
    synchronized void abandon() {
      ParallelBackend b = take();
      if (b != null) {
        b.abandon();
      }
    }

    private ParallelBackend take() {
      ParallelBackend b = backend;
      backend = null;
      id = null;
      spec = null;
      return b;
    }
  }
}
