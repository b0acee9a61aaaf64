#!/usr/bin/env bash
# Stops what scripts/start.sh started: SIGTERM to each process with a pid file in logs/, newest
# first (reverse start order), waiting for each to exit. A process still running after
# MSGCENTER_STOP_TIMEOUT seconds (60) is killed with a warning, and so are the child processes
# it leaves behind (the local stack's mariadbd). Safe to run when nothing runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly LOG_DIR=logs
readonly STOP_TIMEOUT=${MSGCENTER_STOP_TIMEOUT:-60}

say() { printf '%s\n' "$*"; }
warn() { printf 'stop.sh: warning: %s\n' "$*" >&2; }

# Pid files, newest first.
pid_files() {
  [[ -d $LOG_DIR ]] || return 0
  find "$LOG_DIR" -maxdepth 1 -name '*.pid' -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-
}

# Only processes started from this project: a pid may have been reused by something else.
is_ours() {
  ps -o args= -p "$1" 2>/dev/null | grep -q 'org\.msgcenter\.'
}

wait_for_exit() {
  local pid=$1 seconds=$2 began=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS - began < seconds)) || return 1
    sleep 0.5
  done
}

stop_one() {
  local pid_file=$1 name pid children
  name=$(basename "$pid_file" .pid)
  pid=$(<"$pid_file")
  if [[ ! $pid =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
    say "$name is not running"
    rm -f "$pid_file"
    return
  fi
  if ! is_ours "$pid"; then
    warn "pid $pid in $pid_file is not a Message Center process; leaving it alone"
    rm -f "$pid_file"
    return
  fi

  say "Stopping $name (pid $pid)"
  children=$(pgrep -P "$pid" || true)
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for_exit "$pid" "$STOP_TIMEOUT"; then
    warn "$name did not stop within ${STOP_TIMEOUT}s; killing it (see $LOG_DIR/$name.log)"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 10 || warn "$name (pid $pid) is still there after SIGKILL"
    local child
    for child in $children; do
      if kill -0 "$child" 2>/dev/null; then
        warn "stopping $name's child process $child ($(ps -o comm= -p "$child" 2>/dev/null || true))"
        kill -TERM "$child" 2>/dev/null || true
        wait_for_exit "$child" "$STOP_TIMEOUT" || kill -KILL "$child" 2>/dev/null || true
      fi
    done
  fi
  rm -f "$pid_file"
  say "$name stopped"
}

main() {
  local pid_file found=0
  while IFS= read -r pid_file; do
    [[ -n $pid_file ]] || continue
    found=1
    stop_one "$pid_file"
  done < <(pid_files)
  ((found)) || say "Nothing is running"
}

main "$@"
