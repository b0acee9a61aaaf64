#!/usr/bin/env bash
# Reads, validates and writes the message center's dynamic configuration in ZooKeeper
# (/msgcenter/config/center): routing rules, channel retry policies and rate limits. Running
# centers apply a written document within seconds; an invalid one is refused.
#
#   scripts/msgcenter-config.sh get
#   scripts/msgcenter-config.sh validate my-routes.properties
#   scripts/msgcenter-config.sh set my-routes.properties
#   options: --config conf/message-center.properties (the file it overrides; also gives
#            zookeeper.connect), --zookeeper host:port
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly VERSION=0.1.0-SNAPSHOT
readonly JAR=message-center/target/message-center-$VERSION.jar
readonly CLASSPATH_FILE=message-center/target/classpath.txt

if [[ ! -f $JAR || ! -f $CLASSPATH_FILE ]]; then
  echo "Building message-center (mvn -B -q -DskipTests install -pl message-center -am)..." >&2
  mvn -B -q -DskipTests install -pl message-center -am >&2
fi
exec java -cp "$JAR:$(<"$CLASSPATH_FILE")" org.msgcenter.center.dynamic.ConfigTool "$@"
