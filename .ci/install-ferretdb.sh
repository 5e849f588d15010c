#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server on SQLite), which the MongoDB store's
# integration tests run on, into $(go env GOPATH)/bin/ferretdb. Does nothing when that binary
# already reports the wanted version. Go's module and build caches make a rebuild quick.
#
# Why not plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: it builds, but
# the binary panics at start ("Invalid build/version/version.txt file content"), because FerretDB
# embeds build/version/version.txt, which its release tooling generates and the module lacks.
# So the module is downloaded the same way, copied, given that file, and built.
set -euo pipefail

VERSION=v1.24.2
MODULE=github.com/FerretDB/FerretDB

bin="$(go env GOPATH)/bin/ferretdb"
# Whether the binary says it is the wanted version. Its output is read whole (grep -q would stop
# early and could kill the writer with SIGPIPE, which pipefail reports as a failed check).
is_wanted() { "$bin" --version 2>/dev/null | grep -x "version: $VERSION" >/dev/null; }

if [ -x "$bin" ] && is_wanted; then
  echo "ferretdb $VERSION already built: $bin"
  exit 0
fi

work="$(mktemp -d -t ferretdb-build.XXXXXX)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Outside any module, so the download does not touch a go.mod.
dir="$(cd "$work" && go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "install-ferretdb: go mod download $MODULE@$VERSION gave no source directory" >&2
  exit 1
fi

cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "$VERSION" >"$work/src/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work/src" && go build -trimpath -o "$bin" ./cmd/ferretdb)

is_wanted || {
  echo "install-ferretdb: $bin does not report $VERSION after the build" >&2
  exit 1
}
echo "ferretdb $VERSION built: $bin"
