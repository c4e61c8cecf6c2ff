package dev.joblib.spark.internal;

import dev.joblib.spi.ArgumentFingerprint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * Keys a Spark {@code Dataset} argument of a memoised function by what determines its rows: its
 * analyzed plan in canonical form (the form {@code sameSemantics} compares, printed in full, with
 * expression ids normalized), and for every file source it reads the format, options, schema and
 * each input file's path, size and modification time, as Spark listed them when the Dataset was
 * created.
 *
 * <p>Refused, with the reason: data held only in memory ({@code createDataFrame} of a list or an
 * RDD), file indexes other than Spark's listing ones, and Spark Connect Datasets (no plan in this
 * JVM). Sources other than files (JDBC, a DataSource V2 table) are keyed by their description only:
 * a change of their content is not seen (documented in the module README).
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
        describeFiles(files, out, refused);
      } else {
        out.append("relation\t").append(relation.relation()).append('\n');
      }
    } else if (leaf instanceof LocalRelation local) {
      if (!local.data().isEmpty()) {
        refused.add("rows held in memory (a LocalRelation, from createDataFrame of a list)");
      }
    } else if (leaf instanceof DataSourceV2Relation v2) {
      out.append("v2\t").append(v2.table().name()).append('\n');
    } else if (!(leaf instanceof Range) && !(leaf instanceof OneRowRelation)) {
      refused.add(
          "a "
              + leaf.nodeName()
              + " (data held in memory, from an RDD or a list, or a source Memory cannot see)");
    }
  }

  private static void describeFiles(
      HadoopFsRelation files, StringBuilder out, List<String> refused) {
    if (!(files.location() instanceof PartitioningAwareFileIndex index)) {
      refused.add("files through a " + files.location().getClass().getSimpleName());
      return;
    }
    out.append("files\t")
        .append(files.fileFormat())
        .append('\t')
        .append(new TreeMap<>(CollectionConverters.asJava(files.options())))
        .append('\t')
        .append(files.dataSchema().json())
        .append('\t')
        .append(files.partitionSchema().json())
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
}
