/** Bundles one browser entry (TypeScript or CSS) of a page to text, minified, with esbuild. */
export async function bundleSource(entry: string): Promise<string> {
  // Loaded on first use: a process that never serves a page never starts esbuild.
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [entry],
    write: false,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]
  if (!output) throw new Error(`esbuild produced no output for ${entry}`)
  return output.text
}
