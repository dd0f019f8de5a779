#!/usr/bin/env bash
# Builds the control-plane binaries from their Go modules into a cache keyed by version,
# so that a fresh clone on the same machine rebuilds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../tools/versions.env
source "$here/../../tools/versions.env"
cache=${CAPSTAN_CACHE:-$HOME/.cache/capstan}

build_kubernetes() {
  local out="$cache/kubernetes-$KUBERNETES_VERSION"
  [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-controller-manager" ] && [ -x "$out/kube-scheduler" ] && return
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local flags="-s -w"
  # Without a stamped version the server reports v0.0.0-master, which kubectl cannot parse
  # and which breaks every chart's kubeVersion check.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  done
  echo "building kubernetes $KUBERNETES_VERSION control plane (about 10 min cold)" >&2
  mkdir -p "$out.tmp"
  (cd "$here/kubernetes" && go build -trimpath -ldflags "$flags" -o "$out.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
  rm -rf "$out" && mv "$out.tmp" "$out"
}

build_one() { # name version package
  local out="$cache/$1-$2"
  [ -x "$out/$1" ] && return
  echo "building $1 $2" >&2
  mkdir -p "$out.tmp"
  (cd "$here/$1" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/$1" "$3")
  rm -rf "$out" && mv "$out.tmp" "$out"
}

build_one etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3
build_one kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
build_kubernetes
