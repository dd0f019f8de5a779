#!/usr/bin/env bash
# Stops every process that up.sh started (each in its own session) and keeps nothing running.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${CLUSTER_DIR:-$root/.cluster}
[ -d "$dir/pids" ] || exit 0
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f="$dir/pids/$name"; [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null
  rm -f "$f"
done
echo "cluster: stopped ($dir)" >&2
