/**
 * A copy of what `oms dev` runs — bin, functions, runtime, shared, proto, tsconfig — with this
 * checkout's node_modules linked in, so tests and benchmarks can edit its code without
 * touching a file of the checkout.
 */
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const PARTS = ['bin', 'functions', 'runtime', 'shared', 'proto', 'tsconfig.json', 'package.json']

/** Copies the project (without its tests) into a new temporary folder; returns its path. */
export function copyProject(prefix = 'oms-dev-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  for (const part of PARTS)
    cpSync(join(ROOT, part), join(dir, part), {
      recursive: true,
      filter: (src) => !src.endsWith('.test.ts'),
    })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}
