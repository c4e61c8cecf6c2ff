package dev.joblib.beam.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
import dev.joblib.TaskTimeoutException;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * One wave of batches as one pipeline: {@code Create(number, (first index, serialized batch)) ->
 * Reshuffle -> Values -> ParDo(run) -> Parquet files}, then the files are read back on this thread
 * and the staging directory is deleted, whatever happened.
 */
final class PipelineWave {
  private static final System.Logger LOG = System.getLogger(PipelineWave.class.getName());
  private static final String SUFFIX = ".parquet";

  private final PipelineOptions baseOptions;
  private final String backendId;
  private final long timeoutMillis;
  private final String name;
  private final List<Batch> batches;
  private final int parallelism;
  private final BatchPieces pieces;
  private final RecordSeal seal = RecordSeal.random();
  private RunningPipeline result;
  private Duration waited;
  private StagingDir staging;
  private boolean cancelled;
  private boolean finished;

  PipelineWave(
      PipelineOptions baseOptions,
      String backendId,
      long timeoutMillis,
      String name,
      List<Batch> batches,
      int parallelism,
      BatchPieces pieces) {
    this.baseOptions = baseOptions;
    this.backendId = backendId;
    this.timeoutMillis = timeoutMillis;
    this.name = name;
    this.batches = batches;
    this.parallelism = parallelism;
    this.pieces = pieces;
  }

  String name() {
    return name;
  }

  /**
   * The outcome of every batch, task failures first (lowest index first), then the rest in task
   * order; runs the pipeline in the calling thread.
   */
  List<BatchOutcome> run() {
    List<BatchOutcome> outcomes = new ArrayList<>();
    Map<Batch, List<Batch>> sent = new LinkedHashMap<>();
    List<KV<Long, KV<Long, byte[]>>> elements = serialize(outcomes, sent);
    if (!elements.isEmpty()) {
      PipelineOptions options = RunnerOptions.copy(baseOptions);
      options.setJobName("joblib-" + name);
      RunnerOptions.runWithoutBlocking(options);
      StagingDir dir = StagingDir.under(options, name);
      if (!RunnerOptions.runnerName(options).equals("DataflowRunner")) {
        // what the runner itself stages there (the Flink and Spark runners zip the class path's
        // directories for a remote cluster) goes into this directory and is deleted with it;
        // Dataflow derives its cached, reused staging location from tempLocation: left alone
        options.setTempLocation(dir.path());
      }
      synchronized (this) {
        if (cancelled) {
          // by the call or by the backend's close: either way the caller must hear of it
          throw new JoblibException("the Beam pipeline " + name + " was cancelled before it ran");
        }
        staging = dir;
      }
      Throwable failure = null;
      try {
        dir.create();
        if (runPipeline(options, elements, dir)) {
          outcomes.addAll(readBack(options, dir, sent));
        } else {
          outcomes.addAll(pastDeadline(options, dir, sent.keySet()));
        }
      } catch (RuntimeException | Error e) {
        failure =
            e instanceof BackendFailedException || isCancelled()
                ? e
                : runnerFailure(options, dir, e);
        if (failure instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) failure;
      } finally {
        synchronized (this) {
          finished = true; // from now on cancel() writes no marker into the directory
        }
        delete(dir, failure);
      }
    }
    outcomes.sort(
        Comparator.comparing((BatchOutcome o) -> !isTaskFailure(o))
            .thenComparingInt(BatchOutcome::firstIndex));
    return outcomes;
  }

  private synchronized boolean isCancelled() {
    return cancelled;
  }

  /**
   * The failure of the runner (not of a task): names the backend, the runner and where it runs, the
   * pipeline and its staging directory, and the runner's original exception at the root.
   */
  private BackendFailedException runnerFailure(
      PipelineOptions options, StagingDir dir, Throwable cause) {
    return new BackendFailedException(
        backendId, describe(options, dir) + " failed: " + rootOf(cause), cause);
  }

  private String describe(PipelineOptions options, StagingDir dir) {
    String target = RunnerOptions.target(options);
    return "backend '"
        + backendId
        + "': the Beam pipeline joblib-"
        + name
        + " on "
        + RunnerOptions.runnerName(options)
        + (target.isEmpty() ? "" : " (" + target + ")")
        + ", staging in "
        + dir;
  }

  private static Throwable rootOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static boolean isTaskFailure(BatchOutcome outcome) {
    return !outcome.succeeded() && !(outcome.failure() instanceof CancellationException);
  }

  /** A failure outcome for every batch, when the pipeline itself failed. */
  List<BatchOutcome> failAll(BackendFailedException failure) {
    List<BatchOutcome> outcomes = new ArrayList<>();
    for (Batch batch : batches) {
      outcomes.add(BatchOutcome.failure(batch, batch.firstIndex(), failure));
    }
    return outcomes;
  }

  /**
   * Cancels the running pipeline (or the one about to start): the runner is asked to cancel its job
   * (the DirectRunner and the Flink runner return a handle from {@code run()} for it), and a stop
   * marker makes every batch end at its next task, on any runner.
   */
  synchronized void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    if (result != null) {
      result.cancel(); // first, so the job ends cancelled rather than done with stopped batches
    }
    if (staging != null && !finished) {
      try {
        new StopSignals(staging.path()).cancelled();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot signal the cancel of Beam pipeline " + name + ": " + e, e);
      }
    }
  }

  /**
   * Serializes the batches, as pieces under a timeout ({@link BatchPieces}), and records in {@code
   * sent} the pieces of each batch sent; a batch that cannot be serialized fails at the task that
   * cannot (the others still run, so the lowest failing index wins as on any backend).
   */
  private List<KV<Long, KV<Long, byte[]>>> serialize(
      List<BatchOutcome> failures, Map<Batch, List<Batch>> sent) {
    int size = pieces == null ? Integer.MAX_VALUE : pieces.size();
    List<KV<Long, KV<Long, byte[]>>> elements = new ArrayList<>(batches.size());
    for (Batch batch : batches) {
      List<Batch> split = BatchPieces.split(batch, size);
      List<byte[]> serialized = new ArrayList<>(split.size());
      try {
        for (Batch piece : split) {
          serialized.add(JavaSerialization.toBytes(piece));
        }
      } catch (IOException | RuntimeException e) {
        failures.add(unserializable(batch, e));
        continue;
      }
      for (int i = 0; i < split.size(); i++) {
        long first = split.get(i).firstIndex();
        elements.add(KV.of((long) elements.size(), KV.of(first, serialized.get(i))));
      }
      sent.put(batch, split);
    }
    return elements;
  }

  private static BatchOutcome unserializable(Batch batch, Exception cause) {
    for (int i = 0; i < batch.size(); i++) {
      int index = batch.firstIndex() + i;
      try {
        SerializationCheck.requireSerializable(batch.tasks().get(i), "task " + index);
      } catch (IllegalArgumentException named) {
        return BatchOutcome.failure(batch, index, named);
      }
    }
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new IllegalArgumentException(
            batch + " cannot be sent to the Beam workers: " + cause, cause));
  }

  /**
   * Runs the pipeline and waits for it, under a timeout at most {@link RunningPipeline#deadline}.
   *
   * @return true when it ended DONE, false when it ran past the deadline and was cancelled
   */
  private boolean runPipeline(
      PipelineOptions options, List<KV<Long, KV<Long, byte[]>>> elements, StagingDir staging) {
    Schema schema = OutcomeRecords.schema();
    Pipeline pipeline = Pipeline.create(options);
    // Batches should start in input order, so that an early failure is found early and stops the
    // later batches (the lowest failing index decides the error). The Flink runner keeps the order
    // of the keyed elements when it spreads them; the DirectRunner splits Create itself into
    // bundles run in parallel in this JVM in an order of its own: there each element is a ticket
    // for the next batch in input order (InOrderTickets), and a Reshuffle would add nothing.
    PCollection<KV<Long, KV<Long, byte[]>>> created =
        pipeline.apply(
            "Batches",
            Create.of(elements)
                .withCoder(
                    KvCoder.of(
                        BigEndianLongCoder.of(),
                        KvCoder.of(VarLongCoder.of(), ByteArrayCoder.of()))));
    boolean inProcess = RunnerOptions.runnerName(options).equals("DirectRunner");
    (inProcess ? created : created.apply("Spread", Reshuffle.of()))
        .apply("Unkey", Values.create())
        .apply("Run", ParDo.of(new RunBatchFn(staging.path(), backendId, timeoutMillis, seal)))
        .setCoder(AvroCoder.of(schema))
        .apply(
            "Stage",
            FileIO.<GenericRecord>write()
                .via(ParquetIO.sink(schema))
                .to(staging.path())
                .withPrefix("outcomes")
                .withSuffix(SUFFIX)
                .withNumShards(Math.max(1, Math.min(parallelism, elements.size()))));
    PipelineResult started;
    synchronized (this) {
      if (cancelled) {
        throw new JoblibException("the Beam pipeline " + name + " was cancelled before it ran");
      }
    }
    if (inProcess) {
      InOrderTickets.register(
          staging.path(), elements.stream().map(KV::getValue).collect(Collectors.toList()));
    }
    Set<Thread> workersBefore = inProcess ? DirectRunnerWorkers.alive() : Set.of();
    // a bound only where the runner's parallelism is known: elsewhere it would cancel healthy jobs
    // (the workers' clocks still end a task past its timeout)
    waited =
        RunnerOptions.parallelismKnown(options)
            ? RunningPipeline.deadline(timeoutMillis, elements.size(), parallelism)
            : null;
    try {
      started = pipeline.run();
      RunningPipeline running = new RunningPipeline(started);
      synchronized (this) {
        result = running;
        if (cancelled) {
          running.cancel(); // cancelled while run() submitted it
        }
      }
      PipelineResult.State state;
      try {
        state = running.await(waited);
      } catch (RuntimeException | Error e) {
        if (inProcess) {
          // the DirectRunner reports the first failure while bundles already started still run;
          // one of them may yet write into the staging directory: let them end before it is deleted
          DirectRunnerWorkers.drain(started, workersBefore, name);
        }
        throw e;
      }
      if (state == null) {
        running.cancel();
        if (inProcess) {
          DirectRunnerWorkers.drain(started, workersBefore, name);
        } else {
          awaitCancelled(running);
        }
        return false;
      }
      if (state != PipelineResult.State.DONE) {
        if (inProcess) {
          DirectRunnerWorkers.drain(started, workersBefore, name); // cancelled: the same
        }
        throw new IllegalStateException(
            "the runner ended the pipeline in state " + state + ", not DONE");
      }
      return true;
    } finally {
      InOrderTickets.unregister(staging.path());
    }
  }

  /** Waits a little for a pipeline cancelled past its deadline to end, before its files go. */
  private void awaitCancelled(RunningPipeline running) {
    try {
      running.await(Duration.ofSeconds(30));
    } catch (RuntimeException cancelled) {
      // the cancel itself, reported as the job's failure
    }
  }

  /**
   * The outcomes of a wave whose pipeline ran past its deadline and was cancelled: no batch left an
   * outcome, so the first one fails by timeout (the call fails with it, as on any backend), the
   * others as cancelled.
   */
  private List<BatchOutcome> pastDeadline(
      PipelineOptions options, StagingDir staging, Collection<Batch> sent) {
    List<BatchOutcome> outcomes = new ArrayList<>();
    for (Batch batch : sent) {
      if (!outcomes.isEmpty()) {
        outcomes.add(
            BatchOutcome.failure(
                batch,
                batch.firstIndex(),
                new CancellationException(batch + " was cancelled with its pipeline")));
        continue;
      }
      TaskTimeoutException timedOut =
          new TaskTimeoutException(batch.firstIndex(), backendId, Duration.ofMillis(timeoutMillis));
      timedOut.addSuppressed(
          new JoblibException(
              describe(options, staging)
                  + " did not end within "
                  + waited.toSeconds()
                  + " s, the most its batches may take under the timeout; it was cancelled"));
      outcomes.add(BatchOutcome.failure(batch, batch.firstIndex(), timedOut));
    }
    return outcomes;
  }

  private List<BatchOutcome> readBack(
      PipelineOptions options, StagingDir staging, Map<Batch, List<Batch>> sent) {
    Map<Long, GenericRecord> records = new HashMap<>();
    int forged = 0;
    try {
      for (MatchResult.Metadata file : staging.files(SUFFIX)) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(new ChannelInputFile(file))
                .withDataModel(GenericData.get())
                .withConf(new Configuration()) // Parquet 1.14+ leaves it unset for an InputFile
                .build()) {
          for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
            if (seal.isGenuine(record)) {
              records.put((Long) record.get("index"), record);
            } else {
              forged++;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the results staged in " + staging, e);
    }
    if (forged > 0) {
      LOG.log(
          Level.WARNING,
          forged
              + " records in "
              + staging
              + " were not written by the workers of this pipeline (their seal does not check):"
              + " ignored, never deserialized");
    }
    List<BatchOutcome> outcomes = new ArrayList<>();
    long slowestTaskNanos = -1;
    for (Map.Entry<Batch, List<Batch>> entry : sent.entrySet()) {
      Batch batch = entry.getKey();
      List<BatchOutcome> done = new ArrayList<>();
      for (Batch piece : entry.getValue()) {
        GenericRecord record = records.get((long) piece.firstIndex());
        if (record == null) {
          done = null;
          break;
        }
        BatchOutcome outcome;
        try {
          outcome = OutcomeRecords.toOutcome(record, piece);
        } catch (RuntimeException e) {
          outcome = BatchOutcome.failure(piece, piece.firstIndex(), e);
        }
        if (outcome.succeeded()) {
          slowestTaskNanos = Math.max(slowestTaskNanos, outcome.runNanos() / piece.size());
        }
        done.add(outcome);
      }
      outcomes.add(done != null ? BatchPieces.merge(batch, done) : lost(options, staging, batch));
    }
    if (pieces != null && slowestTaskNanos >= 0) {
      pieces.measured(slowestTaskNanos);
    }
    return outcomes;
  }

  /** The outcome of a batch the workers left no record of. */
  private BatchOutcome lost(PipelineOptions options, StagingDir staging, Batch batch) {
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new BackendFailedException(
            backendId,
            describe(options, staging)
                + " finished but left no outcome for "
                + batch
                + ": its staged results were lost",
            null));
  }

  /**
   * Deletes the staging directory. When that fails (the file system is unreachable, or a runner's
   * straggler still writes there), the wave's own failure, if any, carries the reason as a
   * suppressed exception; after a success it is logged, since the results are complete.
   */
  private void delete(StagingDir staging, Throwable failure) {
    try {
      staging.delete();
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        LOG.log(Level.WARNING, "cannot delete the staged results in " + staging + ": " + e, e);
      }
    }
  }
}
