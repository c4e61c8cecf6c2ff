package dev.joblib.internal.memory;

import dev.joblib.CacheMetadata;
import dev.joblib.Joblib;
import dev.joblib.internal.io.DumpSigner;
import dev.joblib.spi.EntryKey;
import dev.joblib.spi.EntryWriter;
import dev.joblib.spi.ValueCodec;
import java.io.ByteArrayOutputStream;

/**
 * Stores a computed result: dumps it, publishes it with its metadata, then evicts the least
 * recently used entries when the Memory has a {@code maxBytes}. A result that cannot be written or
 * published is only logged; the caller still gets the computed value.
 */
final class ResultPublisher {
  private final MemorySettings settings;
  private final FunctionIdentity identity;

  ResultPublisher(MemorySettings settings, FunctionIdentity identity) {
    this.settings = settings;
    this.identity = identity;
  }

  void publish(GuardedStore s, EntryKey key, Object[] args, Computation.Computed computed) {
    Buffer output = new Buffer();
    ValueCodec codec = ValuePlugins.codecFor(computed.value());
    try {
      Joblib.dump(
          codec == null ? computed.value() : ValuePlugins.marker(codec),
          output,
          ResultCodec.dumpOptions(settings));
    } catch (RuntimeException e) {
      GuardedStore.warn(
          "unable to cache the result of "
              + identity.displayName()
              + ": it cannot be written; the computed value is returned",
          e);
      return;
    }
    long outputBytes = output.size() + (settings.signed() ? DumpSigner.TAG_BYTES : 0);
    byte[] metadata =
        MetadataCodec.encode(
            new CacheMetadata(
                key.functionId(),
                key.argsId(),
                computed.time(),
                computed.duration(),
                CallText.summaries(identity, args),
                outputBytes,
                identity.codeHash()));
    if (settings.signed()) {
      // the signature binds the output to this key, code and metadata
      byte[] entryKey =
          EntrySigning.entryKey(settings.signingKey(), key, identity.codeHash(), metadata);
      output.sign(entryKey);
    }
    EntryWriter writer =
        codec == null
            ? output.writer()
            : ValuePlugins.withFiles(output.writer(), codec, computed.value());
    boolean published = s.publish(key, writer, metadata);
    if (published && settings.maxBytes() > 0) {
      try {
        Eviction.reduce(s.unguarded(), settings.maxBytes(), null, null);
      } catch (RuntimeException e) {
        GuardedStore.warn("cannot evict entries to keep " + settings.location() + " small", e);
      }
    }
  }

  /** A byte buffer written out without a copy. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(4096);
    }

    /** Signs the unsigned dump written so far, appending its tag. */
    void sign(byte[] key) {
      byte[] tag = DumpSigner.sign(buf, count, key);
      write(tag, 0, tag.length);
    }

    /** A writer of the bytes written so far, without a copy. */
    EntryWriter writer() {
      return EntryWriter.of(buf, 0, count);
    }
  }
}
