/**
 * Loads `node:http` through `require` in the bundles, wherever the code imports it.
 *
 * An `import` of a Node built-in makes its ES module facade, which reads every property the
 * module exports. `node:http` has lazy getters among them (WebSocket, CloseEvent,
 * MessageEvent) that load Node's whole copy of undici: 20–60 ms at every start on this
 * machine, for classes nothing here uses (`require('node:http')` reads none of them). So an
 * import of it (static or dynamic) resolves to a small ES module that requires it and
 * re-exports its plain properties by name — a dynamic import split into a chunk of its own
 * gets named exports too (`const { request } = await import('http')`), which a CommonJS
 * stand-in would not give (esbuild's chunk of one exports only its default). A lazy getter is
 * not exported: importing one by name fails the build, rather than loading undici at start.
 */
import { createRequire } from 'node:module'
import type { Plugin } from 'esbuild'

/** Built-ins whose ES module facade loads what their `require` does not. */
const BY_REQUIRE = /^(node:)?http$/
const NAMESPACE = 'oms-builtin-by-require'
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** The module's own properties that are plain values (no getter), as this Node has them. */
function plainExports(specifier: string): string[] {
  const mod: object = createRequire(import.meta.url)(specifier)
  return Object.entries(Object.getOwnPropertyDescriptors(mod))
    .filter(([name, d]) => !d.get && name !== 'default' && IDENTIFIER.test(name))
    .map(([name]) => name)
}

/** The stand-in module: the built-in by `require`, its default and each plain property. */
function standIn(specifier: string): string {
  const names = plainExports(specifier)
  return [
    `const m = require(${JSON.stringify(specifier)})`,
    'export default m',
    `export const { ${names.join(', ')} } = m`,
  ].join('\n')
}

export function builtinRequirePlugin(): Plugin {
  return {
    name: 'oms-builtin-by-require',
    setup(build) {
      build.onResolve({ filter: BY_REQUIRE }, ({ path, kind }) =>
        kind === 'import-statement' || kind === 'dynamic-import'
          ? { path: `node:${path.replace(/^node:/, '')}`, namespace: NAMESPACE }
          : undefined,
      )
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({
        contents: standIn(path),
        loader: 'js',
      }))
    },
  }
}
