#!/usr/bin/env bash
# Builds Consul v1.14.11 — the last line released under the MPL-2.0, before Consul's licence
# change — from its source on the Go module proxy into $(go env GOPATH)/bin/consul, for the
# Consul registry's integration tests (test/servers/consul.ts runs it as a dev agent). Does
# nothing when that binary already reports the wanted version. Go's module and build caches
# make a rebuild quick; the first build takes several minutes.
#
# Why not `go install github.com/hashicorp/consul@v1.14.11`: the module's go.mod replaces its
# own api, sdk and proto-public sub-modules with local directories, which `go install pkg@version`
# refuses. So the module is downloaded, copied, those replace directives dropped (the tagged
# sub-module versions it requires are used instead), and built.
set -euo pipefail

VERSION=v1.14.11
MODULE=github.com/hashicorp/consul

bin="$(go env GOPATH | cut -d: -f1)/bin/consul"
# The first line of what a binary says of its version. Read whole (sed reads to the end): a
# reader that stops early (head, grep -q) can kill the writer with SIGPIPE, which pipefail
# then reports as a failed check of a good binary.
first_line() { "$@" 2>/dev/null | sed -n 1p; }

if [ -x "$bin" ] && [ "$(first_line "$bin" version)" = "Consul $VERSION" ]; then
  echo "consul $VERSION already built: $bin"
  exit 0
fi

work="$(mktemp -d -t consul-build.XXXXXX)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Outside any module, so the download does not touch a go.mod.
dir="$(cd "$work" && go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "install-consul: go mod download $MODULE@$VERSION gave no source directory" >&2
  exit 1
fi

cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$(dirname "$bin")"
(
  cd "$work/src"
  go mod edit \
    -dropreplace "$MODULE/api" \
    -dropreplace "$MODULE/sdk" \
    -dropreplace "$MODULE/proto-public"
  GOFLAGS=-mod=mod go build -o "$bin" .
)

[ "$(first_line "$bin" version)" = "Consul $VERSION" ] || {
  echo "install-consul: $bin does not report $VERSION after the build" >&2
  exit 1
}
echo "consul $VERSION built: $bin"
