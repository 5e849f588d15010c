/**
 * Loads `node:http` through `require` in the bundles, wherever the code imports it.
 *
 * An `import` of a Node built-in makes its ES module facade, which reads every property the
 * module exports. `node:http` has lazy getters among them (WebSocket, CloseEvent,
 * MessageEvent) that load Node's whole copy of undici: 20–60 ms at every start on this
 * machine, for classes nothing here uses (`require('node:http')` reads none of them). So an
 * import of it (static or dynamic) resolves to a CommonJS module of one line that requires it;
 * esbuild's interop reads a named import off the module object only when it is used.
 */
import type { Plugin } from 'esbuild'

/** Built-ins whose ES module facade loads what their `require` does not. */
const BY_REQUIRE = /^(node:)?http$/
const NAMESPACE = 'oms-builtin-by-require'

export function builtinRequirePlugin(): Plugin {
  return {
    name: 'oms-builtin-by-require',
    setup(build) {
      build.onResolve({ filter: BY_REQUIRE }, ({ path, kind }) =>
        kind === 'import-statement' || kind === 'dynamic-import'
          ? { path: path.replace(/^node:/, ''), namespace: NAMESPACE }
          : undefined,
      )
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({
        contents: `module.exports = require(${JSON.stringify(`node:${path}`)})`,
        loader: 'js',
      }))
    },
  }
}
