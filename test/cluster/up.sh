#!/usr/bin/env bash
# Starts a local control plane on loopback: etcd, kube-apiserver (TLS, RBAC, service-account
# tokens), kube-controller-manager, kube-scheduler and kwok with two fake nodes. Reuses a
# healthy cluster; writes $CLUSTER_DIR/kubeconfig (cluster admin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${CLUSTER_DIR:-$root/.cluster}
bin="$root/.tools/bin"
export PATH="$bin:$PATH"
kubeconfig="$dir/kubeconfig"
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }

nodes_ready() {
  [ "$(kc get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c True)" -ge 2 ]
}

if [ -f "$kubeconfig" ] && kc get --raw /readyz >/dev/null 2>&1 && nodes_ready; then
  echo "cluster: reusing the healthy cluster in $dir" >&2
  # Not restarted here: other test runs may be using it. The secret scan fails on such a cluster.
  grep -q -- --audit-log-path "$dir/cmds/kube-apiserver" 2>/dev/null ||
    echo "cluster: this cluster predates the audit log that the secret scan reads; restart it with 'make cluster-down cluster-up'" >&2
  exit 0
fi
"$here/down.sh" >/dev/null 2>&1 || true
rm -rf "$dir" && mkdir -p "$dir/pki" "$dir/logs" "$dir/pids" "$dir/cmds"
started=$(date +%s%N)

# Free loopback ports, chosen now so that several clusters (clones) can run side by side.
read -r etcd_port peer_port api_port kcm_port sched_port kwok_port < <(node -e '
  const net = require("node:net");
  const take = () => new Promise(r => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; r([s, p]); }); });
  Promise.all(Array.from({ length: 6 }, take)).then(all => { console.log(all.map(a => a[1]).join(" ")); all.forEach(a => a[0].close()); });')
echo "API_PORT=$api_port" > "$dir/ports.env"

# --- certificates -----------------------------------------------------------------------
pki="$dir/pki"
ssl() { openssl "$@" 2>/dev/null; }
ssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=capstan-test-ca" -keyout "$pki/ca.key" -out "$pki/ca.crt"
sign() { # name subject [extensions]
  ssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr"
  printf '%s\n' "${3:-extendedKeyUsage=clientAuth}" > "$pki/$1.ext"
  ssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
    -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
sign apiserver "/CN=kube-apiserver" "$(printf '%s\n' 'extendedKeyUsage=serverAuth' \
  'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local')"
sign admin "/O=system:masters/CN=capstan-admin"
ssl genrsa -out "$pki/sa.key" 2048
ssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

cat > "$kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: capstan-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: capstan-test
  context: {cluster: capstan-test, user: admin}
current-context: capstan-test
KCFG

start() { # name command...
  local name=$1; shift
  # The command is kept so that restart.sh can start the component again with the same flags.
  printf '%q ' "$@" > "$dir/cmds/$name"
  setsid "$@" >>"$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name"
}
wait_for() { # what seconds command...
  local what=$1 limit=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "cluster: $what not ready after ${limit}s; last log lines:" >&2
  tail -n 20 "$dir/logs/$what.log" >&2 || true
  exit 1
}

# --- etcd -------------------------------------------------------------------------------
start etcd etcd --name capstan --data-dir "$dir/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "capstan=http://127.0.0.1:$peer_port" --log-level warn

# --- kube-apiserver -----------------------------------------------------------------------
# The audit log (blocking mode: a request returns once its entry is written, so the scan at the
# end of a run sees every write) feeds the secret scan; see audit-policy.yaml.
# TaintNodesByCondition is off: its not-ready taint is only lifted by the node-lifecycle
# controller, which we disable because it marks kwok nodes NotReady on a loaded machine.
start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --authorization-mode Node,RBAC --service-cluster-ip-range 10.96.0.0/16 \
  --disable-admission-plugins TaintNodesByCondition --allow-privileged=true --endpoint-reconciler-type none \
  --audit-policy-file "$here/audit-policy.yaml" --audit-log-path "$dir/audit.log" --audit-log-format json
wait_for kube-apiserver 60 kc get --raw /readyz

# --- controllers, scheduler, kwok ---------------------------------------------------------
start kube-controller-manager kube-controller-manager --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" --use-service-account-credentials \
  --controllers '*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller'
start kube-scheduler kube-scheduler --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false
start kwok kwok --kubeconfig "$kubeconfig" --config "$here/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-ip 127.0.0.1 --cidr 10.0.0.1/16 --server-address "127.0.0.1:$kwok_port"

for n in 1 2; do
  kc apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$n
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-$n, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
NODE
done
wait_for kwok 60 nodes_ready
# The default service account must exist before any pod can be created in "default".
wait_for kube-controller-manager 60 kc get serviceaccount default -n default
echo "cluster: up in $(( ($(date +%s%N) - started) / 1000000 )) ms; kubeconfig $kubeconfig" >&2
