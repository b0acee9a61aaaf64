#!/usr/bin/env bash
# Starts the local Message Center stack in the background and waits until it is ready:
# ZooKeeper, Kafka and MariaDB (org.msgcenter.testkit.LocalStack), with data under data/.
# Builds what is missing first. Each process gets logs/<name>.log and logs/<name>.pid.
# Stop everything with scripts/stop.sh.
#
# Environment: MSGCENTER_ZK_PORT (2181), MSGCENTER_KAFKA_PORT (9092), MSGCENTER_DB_PORT (3306)
# and the other MSGCENTER_* settings of LocalStack; MSGCENTER_ACCESS_HTTP_PORT (8080) and the
# other MSGCENTER_ACCESS_* settings of the business access server; MSGCENTER_START_TIMEOUT
# seconds to wait for each process (120); MSGCENTER_JAVA_OPTS for the JVMs ("-Xms256m -Xmx1g").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly LOG_DIR=logs
readonly VERSION=0.1.0-SNAPSHOT
readonly START_TIMEOUT=${MSGCENTER_START_TIMEOUT:-120}
readonly JAVA_OPTS=${MSGCENTER_JAVA_OPTS:--Xms256m -Xmx1g}
readonly ZK_PORT=${MSGCENTER_ZK_PORT:-2181}
readonly KAFKA_PORT=${MSGCENTER_KAFKA_PORT:-9092}
readonly DB_PORT=${MSGCENTER_DB_PORT:-3306}
readonly CENTER_HTTP_PORT=${MSGCENTER_HTTP_PORT:-8081}
readonly ACCESS_HTTP_PORT=${MSGCENTER_ACCESS_HTTP_PORT:-8080}
readonly NOTIFIER_HTTP_PORT=${MSGCENTER_NOTIFIER_HTTP_PORT:-8082}
readonly NOTIFIER_SOCKETIO_PORT=${MSGCENTER_NOTIFIER_SOCKETIO_PORT:-9095}
# Modules whose jars the started processes run; a new service adds its module here.
readonly MODULES=(testkit message-center websocket-notifier business-access)

STARTED=()

say() { printf '%s\n' "$*"; }

fail() {
  printf 'start.sh: %s\n' "$*" >&2
  if ((${#STARTED[@]} > 0)); then
    say "Stopping what this run started: ${STARTED[*]}" >&2
    scripts/stop.sh >&2 || true
  fi
  exit 1
}

require_tools() {
  command -v java >/dev/null || fail "java not found (Java 17 or newer is needed)"
  command -v mvn >/dev/null || fail "mvn not found (Maven 3.8 or newer is needed)"
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
  [[ -n $(find . \( -name target -o -name .git -o -path ./data -o -path "./$LOG_DIR" \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/*' \) -newer "$oldest" -print -quit) ]]
}

build_if_needed() {
  if needs_build; then
    local modules
    modules=$(IFS=,; printf '%s' "${MODULES[*]}")
    say "Building (mvn -B -q -DskipTests install -pl $modules -am)..."
    mvn -B -q -DskipTests install -pl "$modules" -am || fail "the build failed; see above"
    # Maven leaves an unchanged jar untouched; mark it current so the next start skips the build.
    for module in "${MODULES[@]}"; do touch "$(module_jar "$module")"; done
  fi
}

# java_command MODULE MAIN_CLASS: the command line that runs MAIN_CLASS from MODULE's jar.
java_command() {
  local module=$1 main_class=$2 classpath
  # Jars in plugins/ come last: a channel or a business module is added by dropping its jar there.
  classpath="$(module_jar "$module"):$(<"$module/target/classpath.txt"):plugins/*"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  printf '%q ' java $JAVA_OPTS -cp "$classpath" "$main_class"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

is_running() {
  local pid_file=$1 pid
  [[ -f $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

refuse_if_running() {
  local pid_file running=()
  shopt -s nullglob
  for pid_file in "$LOG_DIR"/*.pid; do
    if is_running "$pid_file"; then
      running+=("$(basename "$pid_file" .pid) (pid $(<"$pid_file"))")
    else
      rm -f "$pid_file" # left behind by a process that is gone
    fi
  done
  shopt -u nullglob
  if ((${#running[@]} > 0)); then
    printf 'start.sh: already running: %s\nStop it first with scripts/stop.sh\n' "${running[*]}" >&2
    exit 1
  fi
}

# start_service NAME COMMAND HEALTH_CHECK
#   Runs COMMAND (a command line, e.g. from java_command) in the background with its output in
#   logs/NAME.log and its pid in logs/NAME.pid, then waits until HEALTH_CHECK (a command or
#   function) succeeds. Fails with the end of the log if the process exits or the deadline passes.
start_service() {
  local name=$1 command=$2 health_check=$3
  local log_file=$LOG_DIR/$name.log pid_file=$LOG_DIR/$name.pid pid
  [[ -f $log_file ]] && mv -f "$log_file" "$log_file.1"
  say "Starting $name (log: $log_file)"
  nohup bash -c "exec $command" >"$log_file" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$pid_file"
  STARTED+=("$name")

  local began=$SECONDS next_report=$((SECONDS + 5))
  until $health_check; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      printf '\n--- last lines of %s ---\n' "$log_file" >&2
      tail -n 30 "$log_file" >&2
      fail "$name exited during startup"
    fi
    if ((SECONDS - began >= START_TIMEOUT)); then
      printf '\n--- last lines of %s ---\n' "$log_file" >&2
      tail -n 30 "$log_file" >&2
      fail "$name is not ready after ${START_TIMEOUT}s"
    fi
    if ((SECONDS >= next_report)); then
      say "  waiting for $name ($((SECONDS - began))s)"
      next_report=$((SECONDS + 5))
    fi
    sleep 0.5
  done
  say "$name is ready ($((SECONDS - began))s, pid $pid)"
}

# http_ok PORT PATH: true when GET http://127.0.0.1:PORT/PATH answers 200 (bash only, no curl).
http_ok() {
  local status
  status=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3 && sed -n 1p <&3) 2>/dev/null) || return 1
  [[ $status == *" 200 "* ]]
}

center_ready() { http_ok "$CENTER_HTTP_PORT" /health; }

access_ready() { http_ok "$ACCESS_HTTP_PORT" /health; }
notifier_ready() { http_ok "$NOTIFIER_HTTP_PORT" /health; }

localstack_ready() {
  grep -q 'Local stack ready' "$LOG_DIR/localstack.log" &&
    port_open "$ZK_PORT" && port_open "$KAFKA_PORT" && port_open "$DB_PORT"
}

main() {
  trap 'fail "interrupted"' INT TERM
  require_tools
  mkdir -p "$LOG_DIR"
  refuse_if_running
  build_if_needed

  start_service localstack "$(java_command testkit org.msgcenter.testkit.LocalStack)" localstack_ready
  # Services, in dependency order. Each reads conf/ and honours MSGCENTER_* overrides.
  start_service message-center \
    "$(java_command message-center org.msgcenter.center.MessageCenter) conf/message-center.properties" center_ready
  # After the center: replay on connect asks the center's inbox.
  start_service websocket-notifier \
    "$(java_command websocket-notifier org.msgcenter.notifier.Notifier) conf/websocket-notifier.properties" notifier_ready
  # The access server reads from the center's Dubbo services, so it starts after the center.
  export MSGCENTER_ACCESS_HTTP_PORT=$ACCESS_HTTP_PORT
  start_service business-access \
    "$(java_command business-access org.msgcenter.access.AccessServer) conf/business-access.properties" access_ready

  cat <<EOF

Message Center local stack is running:
  ZooKeeper  localhost:$ZK_PORT
  Kafka      localhost:$KAFKA_PORT
  MariaDB    jdbc:mariadb://localhost:$DB_PORT/msgcenter  (user msgcenter, password msgcenter;
             database msgcenter_access too)
  Message center  health http://localhost:$CENTER_HTTP_PORT/health, metrics /metrics
  Business access http://localhost:$ACCESS_HTTP_PORT/ (demo page: alice / alice-demo-pass,
                  bob / bob-demo-pass, carol / carol-demo-pass), API /api/..., /openapi.json
  Notifier   Socket.IO http://localhost:$NOTIFIER_SOCKETIO_PORT (JWT secret local-dev-secret),
             health http://localhost:$NOTIFIER_HTTP_PORT/health, metrics /metrics
  Data       ${MSGCENTER_DATA_DIR:-data}/
  Logs       $LOG_DIR/localstack.log, $LOG_DIR/message-center.log,
             $LOG_DIR/websocket-notifier.log, $LOG_DIR/business-access.log
Stop it with scripts/stop.sh
EOF
}

main "$@"
