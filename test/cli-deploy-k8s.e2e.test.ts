/**
 * `oms deploy k8s` as a user runs it: the files it writes, the summary it prints, one YAML
 * stream with --stdout, a rerun that drops a file no unit is left for, and usage mistakes.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { listFunctionFiles } from '../runtime/catalog.ts'
import { oms } from './cli.ts'

describe('oms deploy k8s', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oms-deploy-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('writes a file per unit, the namespace and the configuration, and prints the summary', async () => {
    const out = join(dir, 'k8s')
    // A file an earlier render wrote for a unit that is gone; and one of the user's own.
    await oms(['deploy', 'k8s', '--out', out])
    const header = (await readFile(join(out, '00-namespace.yaml'), 'utf8')).split('\n')[0]
    await writeFile(join(out, 'gone--unit.yaml'), `${header}\nkind: Deployment\n`)
    await writeFile(join(out, 'mine.yaml'), 'kind: ConfigMap\n')

    const run = await oms(['deploy', 'k8s', '--out', out, '--namespace', 'shop'], {
      env: { PUBLIC_URL: 'https://shop.example.com', ADMIN_TOKEN: 'admin-token-value-123' },
      timeoutMs: 60_000,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const files = await readdir(out)
    expect(files).toContain('00-namespace.yaml')
    expect(files).toContain('01-config.yaml')
    expect(files).toContain('mine.yaml')
    expect(files).not.toContain('gone--unit.yaml')
    const domains = [...new Set((await listFunctionFiles()).map((f) => f.domain))]
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^UNIT +KIND +FUNCTIONS +SCALING$/)
    for (const file of files.filter((f) => !/^0\d-|^mine/.test(f))) {
      const unit = file.slice(0, -'.yaml'.length)
      expect(
        lines.some((l) => l.startsWith(`${unit} `)),
        unit,
      ).toBe(true)
      const docs = parseAllDocuments(await readFile(join(out, file), 'utf8')).map((d) => d.toJS())
      expect(docs[0]).toMatchObject({
        kind: 'Deployment',
        metadata: { name: unit, namespace: 'shop' },
      })
    }
    // Every domain has a unit; the Secret to create is named with its keys, no value shown.
    for (const d of domains) expect(run.stdout).toMatch(new RegExp(`^${d}(--[a-z-]+)? `, 'm'))
    expect(run.stdout).toContain('kubectl -n shop create secret generic oms-secrets')
    expect(run.stdout).toContain('--from-literal=OMS_INTERNAL_TOKEN=…')
    expect(run.stdout).toContain(`kubectl apply -f ${out}`)
    const all = (await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')))).join('\n')
    expect(all).toContain('https://shop.example.com')
    expect(all).not.toContain('admin-token-value-123')
  }, 90_000)

  it('--stdout prints one YAML stream and writes nothing', async () => {
    const run = await oms(['deploy', 'k8s', '--stdout', '--out', join(dir, 'none')], {
      timeoutMs: 60_000,
    })
    expect(run.code).toBe(0)
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string })
    expect(docs[0]?.kind).toBe('Namespace')
    expect(docs.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'Service', 'ScaledObject']),
    )
    expect(run.stderr).toMatch(/^UNIT +KIND/)
    expect(existsSync(join(dir, 'none'))).toBe(false)
  }, 90_000)

  it('refuses an unknown selector or option value as a usage mistake (exit 2)', async () => {
    const unknown = await oms(['deploy', 'k8s', 'nosuch', '--stdout'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no function or domain named "nosuch"')
    const bad = await oms(['deploy', 'k8s', '--discovery', 'mdns', '--stdout'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('dns or consul')
  })
})
