package dev.joblib.beam.internal;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/** The ParDo of a joblib pipeline: runs one serialized batch per element, never throws. */
final class RunBatchFn extends DoFn<KV<Long, byte[]>, GenericRecord> {
  private static final long serialVersionUID = 1L;

  private transient Schema schema;

  @Setup
  public void setup() {
    schema = OutcomeRecords.schema();
  }

  @ProcessElement
  public void process(@Element KV<Long, byte[]> batch, OutputReceiver<GenericRecord> out) {
    out.output(OutcomeRecords.runToRecord(schema, batch.getKey(), batch.getValue()));
  }
}
