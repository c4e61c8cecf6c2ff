#!/usr/bin/env bash
# Runs one of the Spark example jobs with a real spark-submit.
#
#   examples/bin/spark-submit-example.sh pi --samples 200000000 --tasks 64
#   MASTER=spark://host:7077 examples/bin/spark-submit-example.sh loop
#
# Jobs: pi (dev.joblib.examples.MonteCarloPi), loop (dev.joblib.examples.ParallelLoop),
#   grid (dev.joblib.examples.GridSearchMemory --location s3://bucket/cache or hdfs://nn/cache:
#   a grid search cached in a store every executor shares).
# Environment:
#   SPARK_HOME   a Spark 4.x distribution (Scala 2.13); without it, spark-submit must be on PATH
#   MASTER       the cluster: local[*] (default), spark://host:7077, yarn, k8s://...
#   DEPLOY_MODE  client (default; the job's output is printed here) or cluster
#   JAR          the application jar (default: examples/target/joblib-examples.jar, built by
#                `mvn -pl examples -am package -DskipTests`; it holds joblib and the examples,
#                not Spark, which the cluster provides)
# Extra spark-submit flags go in SPARK_SUBMIT_FLAGS, e.g. "--executor-memory 2g --total-executor-cores 8".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
job="${1:-}"
case "$job" in
  pi) class=dev.joblib.examples.MonteCarloPi ;;
  grid) class=dev.joblib.examples.GridSearchMemory; set -- "$@" --backend spark ;;
  loop) class=dev.joblib.examples.ParallelLoop ;;
  *) echo "usage: $0 pi|loop|grid [job args...]   (see the comments in $0)" >&2; exit 2 ;;
esac
shift

jar="${JAR:-$here/../target/joblib-examples.jar}"
if [[ ! -f "$jar" ]]; then
  echo "$jar not found: build it with 'mvn -pl examples -am package -DskipTests' or set JAR" >&2
  exit 1
fi
if [[ -n "${SPARK_HOME:-}" ]]; then
  submit="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit > /dev/null; then
  submit="$(command -v spark-submit)"
else
  echo "no spark-submit: set SPARK_HOME to a Spark 4.x (Scala 2.13) distribution" >&2
  exit 1
fi

# --class: the job; the jar's own arguments follow it. The job picks up the session spark-submit
# configures (master, executors); joblib's "spark" backend then uses all of the cluster's cores.
# shellcheck disable=SC2086
exec "$submit" \
  --master "${MASTER:-local[*]}" \
  --deploy-mode "${DEPLOY_MODE:-client}" \
  --conf spark.ui.showConsoleProgress=false \
  ${SPARK_SUBMIT_FLAGS:-} \
  --class "$class" \
  "$jar" "$@"
