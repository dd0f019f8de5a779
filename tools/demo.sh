#!/usr/bin/env bash
# make demo: the local cluster, the fixture chart repository and a Git repository (examples/git/)
# on loopback, capstan's CRDs, the controller (readable logs), and examples/ applied; waits until
# the GitRepository, the Kustomization and every HelmRelease are Ready, shows them, and keeps
# running until Ctrl-C (or `make demo-down` from another terminal). DEMO_EXIT=1 exits after
# showing them. CLUSTER_DIR (default .cluster) picks the cluster folder, as for test/cluster/up.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.tools/bin:$root/node_modules/.bin:$PATH"
export CLUSTER_DIR="${CLUSTER_DIR:-$root/.cluster}"
export KUBECONFIG="$CLUSTER_DIR/kubeconfig"
state="$CLUSTER_DIR/demo"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "starting the local cluster"
"$root/test/cluster/up.sh"
# After up.sh, which starts a new cluster folder from scratch.
mkdir -p "$state"
cleanup() {
  for name in controller repo git; do
    if [ -f "$state/$name.pid" ]; then kill "$(cat "$state/$name.pid")" 2>/dev/null || true; fi
    rm -f "$state/$name.pid"
  done
  wait 2>/dev/null || true
  rm -rf "$state"/*.tmp
}
trap cleanup EXIT
kubectl apply --server-side --force-conflicts -f "$root/crds" >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f "$root/crds" >/dev/null

# serve NAME SCRIPT: runs a tools/ server in the background until it has written its URL to
# $state/NAME.url. Its temporary files (the Git server's work tree) go to $state/NAME.tmp, which
# cleanup removes.
serve() {
  rm -rf "$state/$1.tmp" && mkdir "$state/$1.tmp"
  TMPDIR="$state/$1.tmp" node "$root/tools/$2" > "$state/$1.url" 2> "$state/$1.log" &
  echo $! > "$state/$1.pid"
  for _ in $(seq 1 100); do [ -s "$state/$1.url" ] && return 0; sleep 0.1; done
  echo "tools/$2 printed no URL within 10 s; its log:"; cat "$state/$1.log"; exit 1
}
say "serving charts-fixtures/ and examples/git/ on loopback"
serve repo serve-fixtures.ts
serve git serve-git.ts
repo_url=$(cat "$state/repo.url")
git_url=$(cat "$state/git.url")
echo "chart repository: $repo_url"
echo "Git repository:   $git_url"

# Before the controller starts, so that on a second run it never sees the URLs of the first.
say "applying examples/"
for f in "$root"/examples/*.yaml; do
  sed -e "s#\${REPO_URL}#$repo_url#" -e "s#\${GIT_URL}#$git_url#" "$f"; echo '---'
done | kubectl apply -f -

say "starting the controller (logs below)"
node "$root/dist/cli/main.js" controller --kubeconfig "$KUBECONFIG" --helm-binary "$root/.tools/bin/helm4" \
  --cache-dir "$state/cache" --metrics-addr 127.0.0.1:0 --health-addr 127.0.0.1:0 --log-format pretty &
echo $! > "$state/controller.pid"

# One line per object of namespace demo that is not Ready yet: "kind/name: why". Ready means
# Ready=True for the current generation, and for a Kustomization the revision its GitRepository
# holds now (a second run serves a new commit).
not_ready() {
  kubectl get gitrepo,ks,hr -n demo --request-timeout=10s -o jsonpath='{range .items[*]}{.kind}{"\t"}{.metadata.name}{"\t"}{.metadata.generation}{"\t"}{.status.conditions[?(@.type=="Ready")].status}{"\t"}{.status.conditions[?(@.type=="Ready")].observedGeneration}{"\t"}{.status.artifact.revision}{.status.lastAppliedRevision}{"\t"}{.spec.sourceRef.name}{"\t"}{.status.conditions[?(@.type=="Ready")].message}{"\n"}{end}' |
    awk -F'\t' '
      $1 == "GitRepository" { revision[$2] = $6 }
      { why = $8 == "" ? "no status yet" : $8 }
      $4 != "True" || $5 != $3 { print $1 "/" $2 ": " why; next }
      $1 == "Kustomization" && $6 != revision[$7] { print $1 "/" $2 ": not applied the new revision " revision[$7] " yet" }'
}
say "waiting for the GitRepository, the Kustomization and the HelmReleases to be Ready"
started=$SECONDS
last=
while :; do
  pending=$(not_ready) || pending="kubectl: cannot list them (trying again)"
  [ -z "$pending" ] && break
  if [ $((SECONDS - started)) -gt 300 ]; then
    echo "not Ready after 5 minutes:"; echo "$pending" | sed 's/^/  /'
    kubectl describe gitrepo,ks,hr -n demo
    exit 1
  fi
  # The names only, when they change; the controller's logs above say why.
  names=$(echo "$pending" | cut -d: -f1 | paste -sd ',' | sed 's/,/, /g')
  if [ "$names" != "$last" ]; then
    printf '  %3ds  not Ready yet: %s\n' $((SECONDS - started)) "$names"
    last=$names
  fi
  sleep 1
done

say "kubectl get gitrepo,ks,hr -A"
kubectl get gitrepo,ks,hr -A
say "kubectl get deploy,svc,cm -n demo -l kustomize.capstan.dev/name=cache"
kubectl get deploy,svc,cm -n demo -l kustomize.capstan.dev/name=cache
say "helm ls -A"
helm4 ls -A
if [ "${DEMO_EXIT:-}" = 1 ]; then exit 0; fi
say "capstan is running: try  kubectl edit configmap web-values -n demo  and watch it upgrade. Ctrl-C to stop."
wait "$(cat "$state/controller.pid")"
