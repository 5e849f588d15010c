/**
 * `oms certs`: development certificates for mutual TLS between the processes — a CA and one
 * certificate per domain (subject CN = the domain), written as PEM files for OMS_TLS_CA,
 * OMS_TLS_CERT and OMS_TLS_KEY.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { listFunctionFiles } from '../../catalog.ts'
import { ROOT } from '../paths.ts'

export async function writeDevCertificates(options: {
  out: string
  domains?: readonly string[]
  hosts?: readonly string[]
}): Promise<string[]> {
  const { makeDevCertificates } = await import('../../tls/make-certs.ts')
  const domains =
    options.domains && options.domains.length > 0
      ? options.domains
      : [...new Set((await listFunctionFiles()).map((f) => f.domain))]
  const certs = await makeDevCertificates({ domains, hosts: options.hosts ?? [] })
  await mkdir(options.out, { recursive: true })
  const files: [string, string, number][] = [
    ['ca.pem', certs.ca.cert, 0o644],
    ['ca-key.pem', certs.ca.key, 0o600],
    ...Object.entries(certs.domains).flatMap(([d, pem]): [string, string, number][] => [
      [`${d}.pem`, pem.cert, 0o644],
      [`${d}-key.pem`, pem.key, 0o600],
    ]),
  ]
  for (const [name, text, mode] of files) await writeFile(join(options.out, name), text, { mode })
  return files.map(([name]) => join(options.out, name))
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

export function registerCerts(program: Command): void {
  program
    .command('certs')
    .description('make development certificates for mutual TLS between the processes')
    .option('--out <dir>', 'where to write them', '.oms/certs')
    .option('--domains <names>', 'comma-separated domains (default: every domain)', list)
    .option('--hosts <names>', 'more names or addresses the processes are dialled at', list)
    .addHelpText(
      'after',
      `
Writes ca.pem (and its key, ca-key.pem), and <domain>.pem / <domain>-key.pem for each domain:
subject CN = the domain (the identity other processes check), valid for the domain's name,
localhost and 127.0.0.1 (plus --hosts), for one year. Start each process with
  OMS_TLS_CA=<out>/ca.pem OMS_TLS_CERT=<out>/<domain>.pem OMS_TLS_KEY=<out>/<domain>-key.pem
For production, issue the same shape of certificates from your own CA.`,
    )
    .action(async (opts: { out: string; domains?: string[]; hosts?: string[] }) => {
      const out = resolve(opts.out)
      const files = await writeDevCertificates({ out, domains: opts.domains, hosts: opts.hosts })
      for (const file of files) process.stdout.write(`${relative(ROOT, file) || file}\n`)
    })
}
