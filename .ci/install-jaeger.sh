#!/usr/bin/env bash
# Builds Jaeger v1.76.0 (Apache-2.0) into $(go env GOPATH)/bin/jaeger for the tracing test
# that fetches an order's trace from Jaeger's query API. Does nothing when it is already there.
#
# Why not plain `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0`: the module's
# go.mod has a replace directive, which `go install pkg@version` refuses. So the module is
# downloaded the same way, copied, and built inside it. Go's caches make a rebuild quick.
set -euo pipefail

VERSION=v1.76.0
MODULE=github.com/jaegertracing/jaeger

bin="$(go env GOPATH)/bin/jaeger"
if [ -x "$bin" ] && [ -f "$bin.version" ] && [ "$(cat "$bin.version")" = "$VERSION" ]; then
  echo "jaeger $VERSION already built: $bin"
  exit 0
fi

work="$(mktemp -d -t jaeger-build.XXXXXX)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

dir="$(cd "$work" && go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "install-jaeger: go mod download $MODULE@$VERSION gave no source directory" >&2
  exit 1
fi
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "== building jaeger $VERSION"
(cd "$work/src" && GOFLAGS=-mod=mod go build -o "$bin" ./cmd/jaeger)
echo "$VERSION" > "$bin.version"
echo "built $bin"
