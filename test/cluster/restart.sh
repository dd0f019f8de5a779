#!/usr/bin/env bash
# Restarts one component of the local cluster with the flags up.sh gave it (fault tests).
# Usage: restart.sh kube-apiserver [seconds to stay down]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${CLUSTER_DIR:-$root/.cluster}
name=$1
down_for=${2:-0}
export PATH="$root/.tools/bin:$PATH"
pid=$(cat "$dir/pids/$name")
kill -TERM -- "-$pid" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-$pid" 2>/dev/null || true
sleep "$down_for"
eval "setsid $(cat "$dir/cmds/$name") >>\"$dir/logs/$name.log\" 2>&1 < /dev/null &"
echo $! > "$dir/pids/$name"
echo "cluster: restarted $name" >&2
