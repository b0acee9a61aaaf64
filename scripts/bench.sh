#!/usr/bin/env bash
# Runs the benchmarks against this machine's raw limits and records the results.
#
#   scripts/bench.sh [roof|accept|drain|latency|poller|scale|notifier|growth|query|all]... [options]
#                                 (default: roof, accept, drain; all: roof to notifier)
#   scripts/bench.sh drain --count 500000
#   scripts/bench.sh poller --count 50000                       (claims of 50,000 due deliveries)
#   scripts/bench.sh drain --profile                            (JFR of the message center)
#   scripts/bench.sh growth --stored 200000                     (load 200,000 stored messages,
#                                                                then drain empty and grown)
#   scripts/bench.sh growth query --load-seconds 1800           (load toward 10,000,000 for at
#                                                                most 30 min, drains, queries)
#   scripts/bench.sh --help                                     (every option)
#
# Builds what is missing first (mvn -B -q -DskipTests install -pl benchmarks -am). The run starts
# its own Kafka and MariaDB on random free ports inside the bench JVM (nothing of scripts/start.sh
# is used or touched) and, for drain, latency, poller, scale, growth and query, the message center
# as its own process (one or more) from its jar and class path, as production runs it. growth and
# query keep MariaDB's data in benchmarks/target/growth-db/ (--grown-dir) between runs, so that
# the stored millions are loaded once; the loader goes on where an earlier run stopped. Results: benchmarks/results/<time>.json and the tables in
# docs/benchmarks.md; logs, the center's generated configuration and recordings under
# benchmarks/target/bench-runs/<time>/.
#
# Environment: BENCH_JAVA_OPTS for the bench JVM ("-Xms2g -Xmx2g"), BENCH_CENTER_JAVA_OPTS for the
# message center's JVM ("-Xms1g -Xmx1g"), BENCH_SOURCE to name the code measured in the results
# (default: git describe --always --dirty).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly VERSION=0.1.0-SNAPSHOT
readonly JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms2g -Xmx2g}
readonly CENTER_JAVA_OPTS=${BENCH_CENTER_JAVA_OPTS:--Xms1g -Xmx1g}
# Modules whose jars the run uses: the bench itself, and the center and notifier it starts as
# processes.
readonly MODULES=(message-center websocket-notifier benchmarks)

fail() {
  printf 'bench.sh: %s\n' "$*" >&2
  exit 1
}

module_jar() { printf '%s/target/%s-%s.jar' "$1" "$1" "$VERSION"; }

# True when a module's jar or classpath file is missing, or a pom or any file under a src/
# directory changed after the oldest jar.
needs_build() {
  local module oldest=""
  for module in "${MODULES[@]}"; do
    [[ -f $(module_jar "$module") && -f $module/target/classpath.txt ]] || return 0
    if [[ -z $oldest || $(module_jar "$module") -ot $oldest ]]; then
      oldest=$(module_jar "$module")
    fi
  done
  [[ -n $(find . \( -name target -o -name .git -o -path ./data -o -path ./logs \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/*' \) -newer "$oldest" -print -quit) ]]
}

build_if_needed() {
  if needs_build; then
    printf 'Building (mvn -B -q -DskipTests install -pl benchmarks,websocket-notifier -am)...\n'
    mvn -B -q -DskipTests install -pl benchmarks,websocket-notifier -am ||
      fail "the build failed; see above"
    # Maven leaves an unchanged jar untouched; mark it current so the next run skips the build.
    for module in "${MODULES[@]}"; do touch "$(module_jar "$module")"; done
  fi
}

main() {
  command -v java >/dev/null || fail "java not found (Java 17 or newer is needed)"
  command -v mvn >/dev/null || fail "mvn not found (Maven 3.8 or newer is needed)"
  build_if_needed
  local bench_classpath center_classpath notifier_classpath
  # Absolute: the center runs in the run's own directory.
  bench_classpath="$PWD/$(module_jar benchmarks):$(<benchmarks/target/classpath.txt)"
  center_classpath="$PWD/$(module_jar message-center):$(<message-center/target/classpath.txt)"
  notifier_classpath="$PWD/$(module_jar websocket-notifier):$(<websocket-notifier/target/classpath.txt)"
  local source
  source=${BENCH_SOURCE:-$(git describe --always --dirty 2>/dev/null || printf 'unknown')}
  # Options given on the command line come after these, so they win.
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  exec java $JAVA_OPTS -cp "$bench_classpath" org.msgcenter.bench.Bench \
    --center-classpath "$center_classpath" \
    --center-java-opts "$CENTER_JAVA_OPTS" \
    --notifier-classpath "$notifier_classpath" \
    --command "scripts/bench.sh${*:+ $*}" \
    --source "$source" \
    "$@"
}

main "$@"
