package dev.joblib.beam;

import org.apache.beam.sdk.io.aws2.common.ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Makes Beam's {@code s3://} file system address buckets in the path ({@code
 * http://host:port/bucket/key}) instead of in the host name ({@code http://bucket.host:port/key}),
 * as S3-compatible servers such as MinIO, Ceph or s3proxy usually need: Beam 2.62 has no option for
 * it. Name it in the pipeline option {@code s3ClientFactoryClass}, for instance {@code
 * Parallel.option("s3ClientFactoryClass", PathStyleS3ClientBuilderFactory.class.getName())} or
 * {@code --s3ClientFactoryClass=dev.joblib.beam.PathStyleS3ClientBuilderFactory}. Everything else
 * (endpoint, region, credentials, HTTP client settings) comes from the options as with Beam's
 * default factory. Needs {@code org.apache.beam:beam-sdks-java-io-amazon-web-services2} on the
 * class path, like Beam's {@code s3://} file system itself.
 *
 * @since 0.1
 */
public final class PathStyleS3ClientBuilderFactory implements S3ClientBuilderFactory {
  /** Creates the factory; Beam instantiates it from the option's class name. */
  public PathStyleS3ClientBuilderFactory() {}

  /**
   * Returns a client builder configured from {@code options} by Beam's client builder factory
   * ({@code clientBuilderFactory}), with path-style access.
   *
   * @param options the S3 options of the pipeline
   * @return the builder
   */
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return ClientBuilderFactory.getFactory(options)
        .create(S3Client.builder(), options)
        .forcePathStyle(true);
  }
}
