package dev.joblib.spark.internal;

import dev.joblib.spi.ArgumentFingerprint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.execution.datasources.FileIndex;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.execution.datasources.v2.FileTable;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * Keys a Spark {@code Dataset} argument of a memoised function by what determines its rows: its
 * analyzed plan in canonical form (the form {@code sameSemantics} compares, printed in full, with
 * expression ids normalized), and for every file source it reads the format, options, schema and
 * each input file's path, size and modification time, as Spark listed them when the Dataset was
 * created.
 *
 * <p>File sources read through DataSource V2 are keyed by their files too. A JDBC source is keyed
 * by its URL and options, another DataSource V2 table by its catalog, identifier, options and
 * properties (both digested, so no password reaches the store): a change of their content is not
 * seen (documented in the module README). Refused, with the reason: data held only in memory
 * ({@code createDataFrame} of a list or an RDD), other V1 relations (nothing names their data),
 * file indexes other than Spark's listing ones, and Spark Connect Datasets (no plan in this JVM).
 */
public final class DatasetFingerprint implements ArgumentFingerprint {
  /** Creates the plug-in; called by {@link java.util.ServiceLoader}. */
  public DatasetFingerprint() {
    Objects.requireNonNull(DATASET); // without Spark, fails here: ServiceLoader skips the plug-in
  }

  private static final Class<?> DATASET = Dataset.class;

  @Override
  public boolean accepts(Object argument) {
    return argument instanceof Dataset<?>;
  }

  @Override
  public String fingerprint(Object argument) {
    if (!(argument instanceof org.apache.spark.sql.classic.Dataset<?> dataset)) {
      throw new IllegalArgumentException(
          "a Spark Connect Dataset ("
              + argument.getClass().getName()
              + ") has no query plan in this JVM to key it by");
    }
    LogicalPlan analyzed = dataset.queryExecution().analyzed();
    StringBuilder sources = new StringBuilder();
    List<String> refused = new ArrayList<>();
    analyzed.foreachWithSubqueries(
        node -> {
          if (node.children().isEmpty()) {
            describeLeaf(node, sources, refused);
          }
          return BoxedUnit.UNIT;
        });
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(
          "the Dataset reads "
              + String.join(", ", refused)
              + ", which has no stable identity to key a cache entry by");
    }
    return analyzed.canonicalized().treeString(true, false, Integer.MAX_VALUE, false, false)
        + "\n"
        + sources;
  }

  private static void describeLeaf(LogicalPlan leaf, StringBuilder out, List<String> refused) {
    if (leaf instanceof LogicalRelation relation) {
      if (relation.relation() instanceof HadoopFsRelation files) {
        describeFiles(
            files.location(),
            files.fileFormat().toString(),
            CollectionConverters.asJava(files.options()),
            files.dataSchema(),
            files.partitionSchema(),
            out,
            refused);
      } else if (relation.relation() instanceof JDBCRelation jdbc) {
        // the URL and options name the database (digested: they may hold a password)
        out.append("jdbc\t")
            .append(
                digest(
                    new TreeMap<>(
                            CollectionConverters.asJava(
                                jdbc.jdbcOptions().parameters().originalMap()))
                        .toString()))
            .append('\n');
      } else {
        refused.add(
            "a "
                + relation.relation().getClass().getSimpleName()
                + " (a source whose identity Memory cannot see)");
      }
    } else if (leaf instanceof LocalRelation local) {
      if (!local.data().isEmpty()) {
        refused.add("rows held in memory (a LocalRelation, from createDataFrame of a list)");
      }
    } else if (leaf instanceof DataSourceV2Relation v2) {
      describeV2(v2, out, refused);
    } else if (!(leaf instanceof Range) && !(leaf instanceof OneRowRelation)) {
      refused.add(
          "a "
              + leaf.nodeName()
              + " (data held in memory, from an RDD or a list, or a source Memory cannot see)");
    }
  }

  /**
   * A file source read through DataSource V2 is keyed by its files as through V1; another table by
   * its catalog, identifier, name, options and properties (digested: they may hold secrets).
   */
  private static void describeV2(DataSourceV2Relation v2, StringBuilder out, List<String> refused) {
    if (v2.table() instanceof FileTable files) {
      describeFiles(
          files.fileIndex(),
          files.formatName(),
          v2.options().asCaseSensitiveMap(),
          files.dataSchema(),
          files.fileIndex().partitionSchema(),
          out,
          refused);
      return;
    }
    String identity =
        (v2.catalog().isDefined() ? v2.catalog().get().name() : "")
            + "\n"
            + (v2.identifier().isDefined() ? v2.identifier().get().toString() : "")
            + "\n"
            + v2.table().name()
            + "\n"
            + v2.table().getClass().getName()
            + "\n"
            + new TreeMap<>(v2.options().asCaseSensitiveMap())
            + "\n"
            + new TreeMap<>(v2.table().properties());
    out.append("v2\t").append(digest(identity)).append('\n');
  }

  private static void describeFiles(
      FileIndex location,
      String format,
      Map<String, String> options,
      StructType dataSchema,
      StructType partitionSchema,
      StringBuilder out,
      List<String> refused) {
    if (!(location instanceof PartitioningAwareFileIndex index)) {
      refused.add("files through a " + location.getClass().getSimpleName());
      return;
    }
    out.append("files\t")
        .append(format)
        .append('\t')
        .append(new TreeMap<>(options))
        .append('\t')
        .append(dataSchema.json())
        .append('\t')
        .append(partitionSchema.json())
        .append('\n');
    List<FileStatus> statuses = new ArrayList<>(CollectionConverters.asJava(index.allFiles()));
    statuses.sort(Comparator.comparing(s -> s.getPath().toString()));
    for (FileStatus status : statuses) {
      out.append(status.getPath())
          .append('\t')
          .append(status.getLen())
          .append('\t')
          .append(status.getModificationTime())
          .append('\n');
    }
  }

  /** The SHA-256 of a source's description, in hex. */
  private static String digest(String description) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(description.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
