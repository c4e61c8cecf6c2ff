package dev.joblib.internal.store.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The store's bucket: the requests on many objects (HEAD, paginated key listings, DeleteObjects
 * batches of 1000, aborting leftover multipart uploads), and the translation of a failed request
 * into an {@link UncheckedIOException} naming the object as {@code s3://bucket/key}.
 */
final class S3Bucket {
  private static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String name;

  S3Bucket(S3Client s3, String name) {
    this.s3 = s3;
    this.name = name;
  }

  S3Client client() {
    return s3;
  }

  String name() {
    return name;
  }

  /** An object's address in messages. */
  String where(String key) {
    return "s3://" + name + "/" + key;
  }

  /** A failed request as an UncheckedIOException: what failed, on which object, and why. */
  UncheckedIOException failure(String what, String key, Exception e) {
    return new UncheckedIOException(
        what + " " + where(key),
        e instanceof IOException io ? io : new IOException(e.getMessage(), e));
  }

  /** Whether an object exists (a HEAD). */
  boolean exists(String object) {
    try {
      s3.headObject(b -> b.bucket(name).key(object));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Every object key under a prefix (paginated). */
  List<String> keysUnder(String prefix) {
    List<String> keys = new ArrayList<>();
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(name).prefix(prefix))) {
      for (S3Object object : page.contents()) {
        keys.add(object.key());
      }
    }
    return keys;
  }

  /** Deletes objects in DeleteObjects batches; reports every object that failed. */
  void deleteObjects(List<String> keys) {
    UncheckedIOException failure = null;
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(key).build());
      }
      DeleteObjectsResponse response =
          s3.deleteObjects(
              b -> b.bucket(name).delete(Delete.builder().objects(batch).quiet(true).build()));
      for (S3Error error : response.errors()) {
        if ("NoSuchKey".equals(error.code())) {
          continue;
        }
        UncheckedIOException e =
            new UncheckedIOException(
                "cannot delete " + where(error.key()),
                new IOException(error.code() + ": " + error.message()));
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Aborts multipart uploads left under a prefix by writers that died. */
  void abortUploads(String prefix) {
    try {
      for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(name).prefix(prefix))) {
        for (var upload : page.uploads()) {
          s3.abortMultipartUpload(
              b -> b.bucket(name).key(upload.key()).uploadId(upload.uploadId()));
        }
      }
    } catch (S3Exception e) {
      if (e.statusCode() != 501) { // servers without the listing have nothing to abort here
        throw e;
      }
    }
  }
}
