package dev.joblib.internal.store.s3;

import dev.joblib.internal.store.ObjectName;
import dev.joblib.spi.EntryInfo;
import dev.joblib.spi.EntryKey;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A lazy listing of entries from ListObjectsV2 pages. Keys come in lexicographic order, so the
 * objects of one entry ({@code <argsId>/access/<millis>} markers, then {@code
 * <argsId>/entry.joblib}) are adjacent and each entry is emitted as soon as its group ends.
 */
final class S3Listing implements Iterator<EntryInfo> {
  private final S3Store store;
  private final Iterator<S3Object> objects;
  private final String onlyFunction;
  private EntryKey groupKey;
  private long groupSize = -1;
  private long groupModified;
  private long groupMarker;
  private EntryInfo next;

  private S3Listing(S3Store store, Iterator<S3Object> objects, String onlyFunction) {
    this.store = store;
    this.objects = objects;
    this.onlyFunction = onlyFunction;
  }

  static Stream<EntryInfo> stream(S3Store store, String prefix, String onlyFunction) {
    try {
      Iterator<S3Object> objects =
          store
              .bucket()
              .client()
              .listObjectsV2Paginator(b -> b.bucket(store.bucket().name()).prefix(prefix))
              .contents()
              .iterator();
      return StreamSupport.stream(
          Spliterators.spliteratorUnknownSize(
              new S3Listing(store, objects, onlyFunction), Spliterator.NONNULL),
          false);
    } catch (SdkException e) {
      throw store.bucket().failure("cannot list cache entries under", prefix, e);
    }
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      boolean more;
      try {
        more = objects.hasNext();
      } catch (SdkException e) {
        throw store.bucket().failure("cannot list cache entries under", store.root(), e);
      }
      if (!more) {
        next = closeGroup();
        return next != null;
      }
      S3Object object = objects.next();
      next = add(object);
    }
    return true;
  }

  @Override
  public EntryInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    EntryInfo result = next;
    next = null;
    return result;
  }

  /** Adds an object to its entry's group; returns the previous group's entry when it ends. */
  private EntryInfo add(S3Object object) {
    ObjectName name = ObjectName.parse(object.key().substring(store.root().length()), onlyFunction);
    if (name == null) {
      return null;
    }
    EntryInfo finished = null;
    if (!name.key().equals(groupKey)) {
      finished = closeGroup();
      groupKey = name.key();
    }
    if (name.isEntry()) {
      groupSize = object.size();
      groupModified = object.lastModified().toEpochMilli();
    } else {
      groupMarker = Math.max(groupMarker, name.accessMillis());
    }
    return finished;
  }

  private EntryInfo closeGroup() {
    EntryInfo info = null;
    if (groupKey != null && groupSize >= 0) {
      info =
          new EntryInfo(
              groupKey,
              groupSize,
              groupMarker > 0
                  ? Instant.ofEpochMilli(groupMarker)
                  : store.writeTime(groupKey, groupModified));
    }
    groupKey = null;
    groupSize = -1;
    groupModified = 0;
    groupMarker = 0;
    return info;
  }
}
