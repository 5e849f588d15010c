/**
 * `oms build`: one esbuild bundle per function and per domain under dist/, and each domain's
 * serving unit (its HTTP, gRPC and scheduled functions) under dist/serve/, with a size table.
 */
import type { Command } from 'commander'
import type { BundleReport } from '../../build/build-bundles.ts'
import { formatTable } from '../output.ts'
import { checkSelectors } from '../select.ts'

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`

export function formatBuild(reports: readonly BundleReport[]): string {
  const rows = reports.map((r) => [
    r.name,
    r.kind,
    kb(r.startBytes),
    r.lazyBytes > 0 ? kb(r.lazyBytes) : '-',
    r.file,
  ])
  return `${formatTable(['BUNDLE', 'KIND', 'LOADED AT START', 'LAZY CHUNKS', 'FILE'], rows)}\n`
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description(
      'bundle each function, and each domain, with esbuild into dist/<name>.mjs (and dist/serve/<domain>.mjs)',
    )
    .argument('[selectors...]', 'functions or domains to build (default: all)')
    .option('--out <dir>', 'output folder', 'dist')
    .option('--no-minify', 'keep the bundles readable')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Each bundle is ESM for Node 22 and later (the image runs 24) with a source map, and holds only
what its functions import.
Adapters of real services (MongoDB, RabbitMQ, Consul, the Stripe API) are split into lazy
chunks, loaded only when their variable (MONGODB_URI, AMQP_URL, ...) is set.
Run one with: node dist/<name>.mjs   (e.g. node dist/<domain>.mjs)
dist/serve/<domain>.mjs hosts a domain's HTTP, gRPC and scheduled functions alone: with one
process per consumer and worker (dist/<domain>.<function>.mjs), what oms deploy k8s runs.

Examples:
  $ oms build
  $ oms build <domain> <domain>.<function> --no-minify`,
    )
    .action(async (selectors: string[], opts: { out: string; minify: boolean; json?: boolean }) => {
      await checkSelectors(selectors)
      const { buildBundles } = await import('../../build/build-bundles.ts')
      const reports = await buildBundles({ outDir: opts.out, selectors, minify: opts.minify })
      process.stdout.write(
        opts.json ? `${JSON.stringify(reports, null, 2)}\n` : formatBuild(reports),
      )
    })
}
