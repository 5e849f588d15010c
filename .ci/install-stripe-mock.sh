#!/usr/bin/env bash
# Builds stripe-mock v0.203.0 (Stripe's own API mock, from the Go module proxy) into
# $(go env GOPATH)/bin/stripe-mock, for the Stripe adapter's tests (test/servers/stripe-mock.ts
# runs it on a free port). Does nothing when that binary is already there; Go's module and
# build caches make a rebuild take seconds.
set -euo pipefail

VERSION=v0.203.0
bin="$(go env GOPATH | cut -d: -f1)/bin/stripe-mock"
stamp="$bin.version"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$VERSION" ]; then
  echo "stripe-mock $VERSION already built: $bin"
  exit 0
fi
go install "github.com/stripe/stripe-mock@$VERSION"
echo "$VERSION" > "$stamp"
echo "stripe-mock $VERSION built: $bin"
