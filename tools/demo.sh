#!/usr/bin/env bash
# make demo: the local cluster, the fixture repository on loopback, capstan's CRDs, the controller
# (readable logs), and examples/ applied; waits until every HelmRelease is Ready, shows them, and
# keeps running until Ctrl-C (or `make demo-down` from another terminal).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.tools/bin:$root/node_modules/.bin:$PATH"
export KUBECONFIG="$root/.cluster/kubeconfig"
state="$root/.cluster/demo"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "starting the local cluster"
"$root/test/cluster/up.sh"
# After up.sh, which starts a new cluster folder from scratch.
mkdir -p "$state"
kubectl apply --server-side --force-conflicts -f "$root/crds" >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f "$root/crds" >/dev/null

say "serving charts-fixtures on loopback"
node "$root/tools/serve-fixtures.ts" > "$state/repo.url" 2> "$state/repo.log" &
echo $! > "$state/repo.pid"
for _ in $(seq 1 50); do [ -s "$state/repo.url" ] && break; sleep 0.1; done
repo_url=$(cat "$state/repo.url")
echo "repository: $repo_url"

say "starting the controller (logs below)"
node "$root/dist/cli/main.js" controller --kubeconfig "$KUBECONFIG" --helm-binary "$root/.tools/bin/helm4" \
  --cache-dir "$state/cache" --metrics-addr 127.0.0.1:0 --health-addr 127.0.0.1:0 --log-format pretty &
echo $! > "$state/controller.pid"
cleanup() {
  kill "$(cat "$state/controller.pid")" "$(cat "$state/repo.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

say "applying examples/"
for f in "$root"/examples/*.yaml; do sed "s#\${REPO_URL}#$repo_url#" "$f"; echo '---'; done | kubectl apply -f -

say "waiting for the HelmReleases to be Ready"
deadline=$((SECONDS + 300))
until [ "$(kubectl get hr -n demo -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" -ge 2 ]; do
  if [ $SECONDS -gt $deadline ]; then echo "not Ready after 5 minutes:"; kubectl describe hr -n demo; exit 1; fi
  kubectl get hr -n demo --no-headers -o custom-columns='NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,STATUS:.status.conditions[?(@.type=="Ready")].message' | sed 's/^/  /'
  sleep 2
done

say "kubectl get hr -A"
kubectl get hr -A
say "helm ls -A"
helm4 ls -A
if [ "${DEMO_EXIT:-}" = 1 ]; then exit 0; fi
say "capstan is running: try  kubectl edit configmap web-values -n demo  and watch it upgrade. Ctrl-C to stop."
wait "$(cat "$state/controller.pid")"
