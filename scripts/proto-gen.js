// Generates TypeScript types and grpc-js service definitions from the .proto files with buf +
// ts-proto: proto/ into proto/gen, and each test fixture domain's proto/ into its gen/ (each is a
// module of buf.yaml's workspace). With
// --check, generates into a temporary folder and fails when a gen folder differs (stale code).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const check = process.argv.includes('--check')
const buf = join('node_modules', '.bin', 'buf')

/** What is generated: the product's contracts (buf.yaml, buf.gen.yaml) and the fixtures'. */
const TARGETS = [
  { input: 'proto', genDir: 'proto/gen' },
  ...readdirSync('test/fixtures/domains', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join('test/fixtures/domains', d.name))
    .filter((dir) => readdirSync(dir).includes('proto'))
    .map((dir) => ({ input: join(dir, 'proto'), genDir: join(dir, 'gen') })),
]

/** A buf.gen template (as JSON) writing into `out`, with the options of buf.gen.yaml. */
function templateFor(out) {
  const yaml = readFileSync('buf.gen.yaml', 'utf8')
  const opts = [...yaml.matchAll(/^\s+- (\S+=\S+)$/gm)].map((m) => m[1])
  return JSON.stringify({
    version: 'v2',
    plugins: [{ local: './node_modules/.bin/protoc-gen-ts_proto', out, opt: opts }],
  })
}

/** Every module is listed in buf.yaml (one workspace, linted together); each is generated alone. */
function generate(target, outRoot) {
  const out = join(outRoot ?? '.', target.genDir)
  execFileSync(buf, ['generate', target.input, '--template', templateFor(out)], {
    stdio: 'inherit',
  })
}

execFileSync(buf, ['lint'], { stdio: 'inherit' })
if (!check) {
  for (const t of TARGETS) {
    rmSync(t.genDir, { recursive: true, force: true })
    generate(t)
  }
  process.exit(0)
}

const out = mkdtempSync(join(tmpdir(), 'oms-proto-'))
try {
  const stale = []
  for (const t of TARGETS) {
    generate(t, out)
    const fresh = join(out, t.genDir)
    // Every generated file, in nested folders too (e.g. grpc/health/v1).
    const files = (dir) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)))
    const names = new Set([...files(fresh), ...files(t.genDir)])
    for (const name of names) {
      try {
        if (!readFileSync(join(fresh, name)).equals(readFileSync(join(t.genDir, name))))
          stale.push(join(t.genDir, name))
      } catch {
        stale.push(join(t.genDir, name))
      }
    }
  }
  if (stale.length > 0) {
    console.error(`generated code is stale (${stale.join(', ')}): run npm run proto:gen and commit`)
    process.exit(1)
  }
  console.error('generated code is up to date')
} finally {
  rmSync(out, { recursive: true, force: true })
}
