#!/usr/bin/env bash
# Packages charts-fixtures/ into a Helm repository folder (default .fixtures/repo): one .tgz per
# chart version listed in charts-fixtures/versions, then index.yaml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.fixtures/repo}
helm="$root/.tools/bin/helm3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Charts are copied so that `helm dependency update` (file:// subcharts) never writes into the source tree.
cp -r "$root/charts-fixtures" "$work/src"
export HELM_CONFIG_HOME="$work/helm/config" HELM_CACHE_HOME="$work/helm/cache" HELM_DATA_HOME="$work/helm/data"
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
while read -r chart versions; do
  case "$chart" in ''|'#'*) continue ;; esac
  if grep -q '^dependencies:' "$work/src/$chart/Chart.yaml"; then
    "$helm" dependency update "$work/src/$chart" >/dev/null
  fi
  for v in $versions; do
    "$helm" package "$work/src/$chart" --version "$v" --app-version "$v" -d "$out.tmp" >/dev/null
  done
done < "$root/charts-fixtures/versions"
"$helm" repo index "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "fixtures: $(ls "$out"/*.tgz | wc -l) chart packages in $out" >&2
