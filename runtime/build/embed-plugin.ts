/**
 * Puts what domains make at build time (their `embed` hooks) into runtime/model/embedded.ts,
 * where `__OMS_EMBEDDED__` stands, as the module is loaded. An esbuild `define` of an object
 * would be hoisted into the chunk of esbuild's helpers, which every bundle loads: each domain
 * would carry the client code of another. This way it is only in the chunk of the module that
 * reads it.
 */
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

const EMBEDDED_MODULE = /[\\/]runtime[\\/]model[\\/]embedded\.ts$/

export function embedPlugin(embedded: Readonly<Record<string, unknown>>): Plugin {
  return {
    name: 'oms-embedded',
    setup(build) {
      build.onLoad({ filter: EMBEDDED_MODULE }, async ({ path }) => {
        const source = await readFile(path, 'utf8')
        const value = `(${JSON.stringify(embedded)})`
        // `typeof` first, so the minifier drops the "from source" branch and the value is once.
        const contents = source
          .replaceAll('typeof __OMS_EMBEDDED__', "'object'")
          .replace(/(?<!declare const )\b__OMS_EMBEDDED__\b/g, value)
        return {
          contents,
          loader: 'ts',
        }
      })
    },
  }
}
