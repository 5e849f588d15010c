/** The esbuild bundles (`oms build`), built once per bench run into a temporary folder. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BundleReport, buildBundles } from '../../runtime/build/build-bundles.ts'

let built: Promise<{ dir: string; reports: BundleReport[] }> | undefined

/** Builds every bundle once; later calls reuse the build. */
export function bundles(): Promise<{ dir: string; reports: BundleReport[] }> {
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oms-bench-dist-'))
    return { dir, reports: await buildBundles({ outDir: dir }) }
  })()
  return built
}

/** Removes the build, if any. */
export async function removeBundles(): Promise<void> {
  if (!built) return
  const { dir } = await built
  built = undefined
  await rm(dir, { recursive: true, force: true })
}
