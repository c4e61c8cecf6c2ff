package dev.joblib.spi;

import java.io.IOException;
import java.net.URI;

/**
 * Keeps a result type of {@code Memory} in its own on-disk form inside the cache entry, instead of
 * a dump of the object: a Spark {@code Dataset} as a Parquet directory, for example. Found with
 * {@link java.util.ServiceLoader}; the first codec that {@linkplain #accepts accepts} a result
 * stores it.
 *
 * <p>The codec writes its files into the entry's directory while the entry is still invisible to
 * readers (the store's temporary directory); the store then publishes the directory atomically with
 * the rest of the entry, so a reader never sees half of it, and the first writer of a key wins. The
 * entry's output records only the codec's {@link #id()}. On a hit, and on a miss after publishing,
 * Memory returns {@link #read} of the published directory, so a caller gets the same kind of value
 * either way. The directory's files count in the entry's size ({@code maxBytes}, {@code
 * reduceSize}) and go with the entry when it is deleted.
 *
 * <p>Stores that keep entries as directories (local, {@code hdfs:}) support codecs; a store that
 * does not makes the publish fail, and Memory returns the computed value uncached with a warning.
 *
 * @since 0.2
 */
public interface ValueCodec {
  /**
   * Returns the codec's id, recorded in each entry it writes and used to find it on a hit.
   *
   * @return a short stable name, such as {@code "spark-dataset"}, never null
   */
  String id();

  /**
   * Tells whether this codec stores a result.
   *
   * @param value a function's result, never null
   * @return true to store it with this codec
   */
  boolean accepts(Object value);

  /**
   * Writes a result's files into an entry directory that readers cannot see yet. The codec must
   * write enough to detect a damaged or partial copy on {@link #read} (sizes of its files, say).
   *
   * @param value the result, accepted by {@link #accepts}
   * @param directory the entry's temporary directory, a {@code file:} or {@code hdfs:} URI (or any
   *     Hadoop file system's); it exists and is empty apart from names starting with {@code
   *     "output"} or {@code "metadata"}
   * @throws IOException if writing fails; nothing is published then
   */
  void write(Object value, URI directory) throws IOException;

  /**
   * Reads a result back from a published entry directory.
   *
   * @param directory the entry's directory
   * @return the value, of the kind {@link #write} was given
   * @throws dev.joblib.PersistenceException with reason {@code CORRUPT} or {@code TRUNCATED} if the
   *     files are missing, truncated or damaged (or {@code REFUSED}, {@code CLASS_NOT_FOUND} as
   *     {@code Joblib.load} would have it): Memory deletes a damaged or refused entry, logs one
   *     warning and computes the value again
   * @throws IOException if the files cannot be read here and now (an I/O error, a storage node
   *     down); Memory then keeps the entry, which other readers or a later read may need, logs one
   *     warning and computes the value without caching it; any other exception counts the same
   */
  Object read(URI directory) throws IOException;
}
