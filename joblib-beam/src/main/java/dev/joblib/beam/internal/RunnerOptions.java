package dev.joblib.beam.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/**
 * Reads and sets the runner options joblib cares about (parallelism, blocking run) without a
 * compile-time dependency on any runner: the runner's options interface is looked up by name.
 */
public final class RunnerOptions {
  private static final String DIRECT_OPTIONS = "org.apache.beam.runners.direct.DirectOptions";
  private static final String FLINK_OPTIONS = "org.apache.beam.runners.flink.FlinkPipelineOptions";
  private static final String SPARK_OPTIONS = "org.apache.beam.runners.spark.SparkPipelineOptions";
  private static final System.Logger LOG = System.getLogger(RunnerOptions.class.getName());
  private static final AtomicBoolean WARNED_UNCOPIED = new AtomicBoolean();
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()));

  private RunnerOptions() {}

  /** The simple name of the options' runner class, such as {@code DirectRunner}. */
  public static String runnerName(PipelineOptions options) {
    return options.getRunner().getSimpleName();
  }

  /**
   * The runner's parallelism: DirectRunner's {@code targetParallelism}, the Flink runner's {@code
   * parallelism} (this machine's CPUs when unset), otherwise this machine's CPUs.
   */
  public static int parallelism(PipelineOptions options) {
    switch (runnerName(options)) {
      case "DirectRunner":
        return (Integer) get(options, DIRECT_OPTIONS, "getTargetParallelism");
      case "FlinkRunner":
        Integer flink = (Integer) get(options, FLINK_OPTIONS, "getParallelism");
        return flink != null && flink > 0 ? flink : Runtime.getRuntime().availableProcessors();
      default:
        return Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * Whether {@link #parallelism} is what the runner will really use: the DirectRunner's, the Flink
   * runner's when {@code parallelism} is set or the job runs on the embedded cluster ({@code
   * [local]}). A remote Flink cluster without it uses its own {@code parallelism.default}, and
   * other runners size themselves: joblib cannot bound how long their jobs take.
   */
  static boolean parallelismKnown(PipelineOptions options) {
    switch (runnerName(options)) {
      case "DirectRunner":
        return true;
      case "FlinkRunner":
        Integer flink = (Integer) get(options, FLINK_OPTIONS, "getParallelism");
        return (flink != null && flink > 0)
            || "[local]".equals(get(options, FLINK_OPTIONS, "getFlinkMaster"));
      default:
        return false;
    }
  }

  /**
   * Where the runner runs, for messages: {@code flinkMaster=host:port} for the Flink runner, empty
   * for runners without such an option (the DirectRunner runs in this JVM).
   */
  public static String target(PipelineOptions options) {
    if (runnerName(options).equals("FlinkRunner")) {
      return "flinkMaster=" + get(options, FLINK_OPTIONS, "getFlinkMaster");
    }
    return "";
  }

  /**
   * Where the runner runs its workers when that is another machine: the Flink runner's {@code
   * flinkMaster} and the Spark runner's {@code sparkMaster} unless local or on a loopback address,
   * and Dataflow; null for a runner in this JVM or on this machine (and for runners joblib does not
   * know).
   */
  static String remoteTarget(PipelineOptions options) {
    switch (runnerName(options)) {
      case "FlinkRunner":
        String flink = String.valueOf(get(options, FLINK_OPTIONS, "getFlinkMaster"));
        return flink.startsWith("[") || onThisMachine(flink) ? null : "flinkMaster=" + flink;
      case "SparkRunner":
        String spark = String.valueOf(get(options, SPARK_OPTIONS, "getSparkMaster"));
        return spark.startsWith("local") || onThisMachine(spark) ? null : "sparkMaster=" + spark;
      case "DataflowRunner":
        return "Dataflow";
      default:
        return null;
    }
  }

  /** Whether a master address ({@code host:port}, {@code scheme://host:port/...}) is loopback. */
  private static boolean onThisMachine(String master) {
    String rest = master.contains("://") ? master.substring(master.indexOf("://") + 3) : master;
    String host =
        rest.startsWith("[")
            ? rest.substring(1, Math.max(1, rest.indexOf(']')))
            : rest.split("[:/]", 2)[0];
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * Sets the runner's parallelism where it has such an option.
   *
   * @return whether the runner has one
   */
  public static boolean setParallelism(PipelineOptions options, int parallelism) {
    switch (runnerName(options)) {
      case "DirectRunner":
        set(options, DIRECT_OPTIONS, "setTargetParallelism", int.class, parallelism);
        return true;
      case "FlinkRunner":
        set(options, FLINK_OPTIONS, "setParallelism", Integer.class, parallelism);
        return true;
      default:
        return false;
    }
  }

  /**
   * A deep copy, so that concurrent pipelines do not share mutable options. The JSON round trip
   * drops the values of {@code @JsonIgnore} options (the Spark runner's provided SparkContext,
   * credentials set in code): they are carried over as they are.
   */
  static PipelineOptions copy(PipelineOptions options) {
    PipelineOptions copy;
    try {
      copy = MAPPER.readValue(MAPPER.writeValueAsBytes(options), PipelineOptions.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the pipeline options " + options, e);
    }
    carryValuesWithoutJson(options, copy);
    return copy;
  }

  /**
   * Puts the values the copy lacks (those of {@code @JsonIgnore} options) into it, through the
   * value map of Beam's options proxy: calling the getters instead would run the default factories
   * of options nobody set (creating credentials, say).
   */
  private static void carryValuesWithoutJson(PipelineOptions from, PipelineOptions to) {
    try {
      Map<String, Object> values = proxyField(from, "options");
      Map<String, Object> copied = proxyField(to, "options");
      Map<String, ?> json = proxyField(to, "jsonOptions");
      // only what the JSON left out: the rest stays the copy's own (a list another pipeline's
      // runner appends to must not be shared)
      values.forEach(
          (name, value) -> {
            if (!json.containsKey(name)) {
              copied.putIfAbsent(name, value);
            }
          });
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!WARNED_UNCOPIED.getAndSet(true)) {
        LOG.log(
            Level.WARNING,
            "cannot carry @JsonIgnore pipeline options into each pipeline's copy (this Beam"
                + " version's options proxy differs); values set in code on such options are lost",
            e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> proxyField(PipelineOptions options, String name)
      throws ReflectiveOperationException {
    Object handler = Proxy.getInvocationHandler(options);
    Field field = handler.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return (Map<String, V>) field.get(handler);
  }

  /**
   * Makes {@code run()} return at once with a handle that can be waited for with a bound and
   * cancelled: the DirectRunner without {@code blockOnRun}, the Flink runner detached (in attached
   * mode its batch {@code run()} blocks until the job ends). On the embedded Flink cluster ({@code
   * [local]}) the runner logs a warning that detached mode is only supported on a remote cluster,
   * and runs the job detached all the same.
   */
  static void runWithoutBlocking(PipelineOptions options) {
    switch (runnerName(options)) {
      case "DirectRunner":
        set(options, DIRECT_OPTIONS, "setBlockOnRun", boolean.class, false);
        break;
      case "FlinkRunner":
        set(options, FLINK_OPTIONS, "setAttachedMode", boolean.class, false);
        break;
      default:
        break;
    }
  }

  private static Object get(PipelineOptions options, String iface, String getter) {
    try {
      Class<? extends PipelineOptions> type = optionsInterface(iface);
      return type.getMethod(getter).invoke(options.as(type));
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(iface + "." + getter + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot call " + iface + "." + getter, e);
    }
  }

  private static void set(
      PipelineOptions options, String iface, String setter, Class<?> type, Object value) {
    try {
      Class<? extends PipelineOptions> optionsType = optionsInterface(iface);
      Method method = optionsType.getMethod(setter, type);
      method.invoke(options.as(optionsType), value);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(iface + "." + setter + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot call " + iface + "." + setter, e);
    }
  }

  private static Class<? extends PipelineOptions> optionsInterface(String name)
      throws ClassNotFoundException {
    ClassLoader loader = ReflectHelpers.findClassLoader();
    return Class.forName(name, true, loader).asSubclass(PipelineOptions.class);
  }

  /**
   * Options interfaces of Beam's file system modules that their registrars leave unregistered, so
   * that their flags parse: Beam 2.62 registers {@code AwsOptions} but not {@code S3Options}
   * ({@code s3ClientFactoryClass}, {@code s3StorageClass}, {@code SSEAlgorithm}, ...).
   */
  private static final List<String> FILE_SYSTEM_OPTIONS =
      List.of("org.apache.beam.sdk.io.aws2.options.S3Options");

  /**
   * Registers the options interfaces of the Beam file system modules on the class path that Beam
   * does not register itself, so that their options can be given as flags or backend options.
   */
  public static void registerFileSystemOptions() {
    for (String name : FILE_SYSTEM_OPTIONS) {
      Class<? extends PipelineOptions> type;
      try {
        type = optionsInterface(name);
      } catch (ClassNotFoundException | LinkageError absent) {
        continue; // the module is not on the class path: its scheme is refused with a hint
      }
      PipelineOptionsFactory.register(type);
    }
  }

  /** Beam's own flag syntax for a map of option names and values. */
  public static String[] toArgs(java.util.Map<String, String> options) {
    List<String> args =
        options.entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toList();
    return args.toArray(new String[0]);
  }
}
