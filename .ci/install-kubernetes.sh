#!/usr/bin/env bash
# Builds a Kubernetes control plane and KEDA from the Go module proxy into $(go env GOPATH)/bin,
# for the Kubernetes tests (test/servers/kubernetes.ts runs them on 127.0.0.1, no Docker):
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd — from
#     .ci/k8s-tools, a wrapper module of tiny mains calling the upstream commands;
#   kwok (fake nodes: pods are bound and marked Running without containers);
#   keda-operator, keda-adapter (the external metrics API), keda-admission-webhooks.
# Each group has a version stamp (<bin>/<group>.version); a group whose stamp and binaries
# are there is not rebuilt. The first build is long (tens of CPU-minutes; see the end of the
# output); Go's module and build caches make a rebuild quick.
#
# Why not `go install` for all of them: k8s.io/kubernetes replaces its staging modules
# (k8s.io/api, k8s.io/client-go, ...) with local folders its module zip does not hold, and
# KEDA's go.mod has a replace directive; `go install pkg@version` refuses both. So Kubernetes'
# commands are built from our wrapper module (which replaces the staging modules with their
# tagged releases) and KEDA is built inside its own module-cache folder, unedited.
#
# The builds run at the lowest priority (nice 19) with at most K8S_BUILD_JOBS (2) packages
# compiled at once, so a shared machine stays usable.
set -euo pipefail

K8S_VERSION=v1.37.2
KWOK_VERSION=v0.8.0
KEDA_VERSION=v2.21.0
KEDA_MODULE=github.com/kedacore/keda/v2

here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/k8s-tools"
bindir="$(go env GOPATH | cut -d: -f1)/bin"
jobs="${K8S_BUILD_JOBS:-2}"
mkdir -p "$bindir"
started=$SECONDS

build() { nice -n 19 go build -p "$jobs" -trimpath "$@"; }

# True when every named binary is in $bindir and the group's stamp says $2.
built() {
  local group="$1" want="$2"
  shift 2
  [ "$(cat "$bindir/$group.version" 2>/dev/null)" = "$want" ] || return 1
  for b in "$@"; do [ -x "$bindir/$b" ] || return 1; done
}

# --- Kubernetes and etcd, from the wrapper module ---------------------------------------------
# The stamp names the wrapper's content too, so an edit of it rebuilds.
kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)
wrapper_sum="$(cd "$tools" && cat go.mod go.sum cmd/*/main.go | sha256sum | cut -c1-16)"
kube_stamp="$K8S_VERSION $wrapper_sum"
if built kube-tools "$kube_stamp" "${kube_bins[@]}"; then
  echo "kubernetes $K8S_VERSION and etcd already built in $bindir"
else
  echo "== building kubernetes $K8S_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl) and etcd"
  t=$SECONDS
  minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$tools" && build -ldflags "$ldflags" -o "$bindir/" ./cmd/...)
  # Read whole (grep -q stops early and could kill the writer with SIGPIPE under pipefail).
  "$bindir/kube-apiserver" --version | grep -x "Kubernetes $K8S_VERSION" >/dev/null || {
    echo "install-kubernetes: $bindir/kube-apiserver does not report $K8S_VERSION" >&2
    exit 1
  }
  echo "$kube_stamp" >"$bindir/kube-tools.version"
  echo "built ${kube_bins[*]} in $((SECONDS - t)) s"
fi

# --- kwok ---------------------------------------------------------------------------------
if built kwok "$KWOK_VERSION" kwok; then
  echo "kwok $KWOK_VERSION already built in $bindir"
else
  echo "== building kwok $KWOK_VERSION"
  t=$SECONDS
  nice -n 19 go install -p "$jobs" -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  echo "$KWOK_VERSION" >"$bindir/kwok.version"
  echo "built kwok in $((SECONDS - t)) s"
fi

# --- KEDA, inside its module-cache folder ---------------------------------------------------
keda_bins=(keda-operator keda-adapter keda-admission-webhooks)
if built keda "$KEDA_VERSION" "${keda_bins[@]}"; then
  echo "keda $KEDA_VERSION already built in $bindir"
else
  echo "== building keda $KEDA_VERSION (operator, metrics adapter, admission webhooks)"
  t=$SECONDS
  # Outside any module, so the download does not touch a go.mod.
  dir="$(cd / && go mod download -json "$KEDA_MODULE@$KEDA_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "install-kubernetes: go mod download $KEDA_MODULE@$KEDA_VERSION gave no source directory" >&2
    exit 1
  fi
  ldflags="-s -w -X $KEDA_MODULE/version.Version=${KEDA_VERSION#v} -X $KEDA_MODULE/version.GitCommit=$KEDA_VERSION"
  (
    cd "$dir"
    build -ldflags "$ldflags" -o "$bindir/keda-operator" ./cmd/operator
    build -ldflags "$ldflags" -o "$bindir/keda-adapter" ./cmd/adapter
    build -ldflags "$ldflags" -o "$bindir/keda-admission-webhooks" ./cmd/webhooks
  )
  echo "$KEDA_VERSION" >"$bindir/keda.version"
  echo "built ${keda_bins[*]} in $((SECONDS - t)) s"
fi

echo "kubernetes tools ready in $bindir ($((SECONDS - started)) s)"
