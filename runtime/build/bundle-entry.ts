/** The source of a bundle's entry: import the functions, then serve them (see runtime/serve.ts). */
import { relative } from 'node:path'

export interface EntryFunction {
  name: string
  domain: string
  /** Absolute path of the function's module. */
  file: string
}

export function bundleEntry(
  functions: readonly EntryFunction[],
  serveModule: string,
  resolveDir: string,
): string {
  const rel = (file: string) => `./${relative(resolveDir, file).replaceAll('\\', '/')}`
  const imports = functions.map((fn, i) => `import fn${i} from ${JSON.stringify(rel(fn.file))}`)
  const list = functions.map(
    (fn, i) =>
      `  { name: ${JSON.stringify(fn.name)}, domain: ${JSON.stringify(fn.domain)}, def: fn${i} },`,
  )
  return [
    ...imports,
    `import { serveBundle } from ${JSON.stringify(rel(serveModule))}`,
    '',
    `await serveBundle([\n${list.join('\n')}\n])`,
    '',
  ].join('\n')
}
