/**
 * A real Kubernetes control plane for the tests, on 127.0.0.1 with free ports and no Docker:
 * etcd, kube-apiserver, kube-controller-manager (Deployments → ReplicaSets → Pods, HPAs),
 * kube-scheduler and KWOK fake nodes (pods are bound by the real scheduler and marked Running
 * by KWOK without any process), plus KEDA run out of cluster — its CRDs, operator, external
 * metrics adapter (an aggregated API behind an APIService) and admission webhooks.
 *
 * The binaries are the ones `.ci/install-kubernetes.sh` builds into $(go env GOPATH)/bin
 * (or K8S_BIN_DIR); KEDA's CRDs and webhook configuration and KWOK's stage files are read from
 * their folders in Go's module cache, which that script fills. Without the binaries the tests
 * skip with a printed reason — except under CI (CI set), where it is a failure.
 *
 * Each cluster lives in a temporary folder (certificates, etcd's data, one log per process)
 * removed by stop(). Everything authenticates with one admin client certificate
 * (system:masters). KEDA's admission webhooks are installed with failurePolicy Fail (upstream
 * ships Ignore), so a check they make cannot pass unnoticed when they are unreachable.
 */
import 'reflect-metadata'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { webcrypto } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import { parseAllDocuments, stringify } from 'yaml'
import { binaryUnavailable } from './binary-check.ts'
import { freePort } from './free-port.ts'
import { goBin } from './go-bin.ts'

/** The versions `.ci/install-kubernetes.sh` builds (the module-cache folders are named by them). */
export const KWOK_VERSION = 'v0.8.0'
export const KEDA_VERSION = 'v2.21.0'

const BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kwok',
  'keda-operator',
  'keda-adapter',
  'keda-admission-webhooks',
] as const
type Binary = (typeof BINARIES)[number]

/** Where the binaries are. */
function binDir(): string {
  return process.env.K8S_BIN_DIR ?? goBin()
}
const bin = (name: Binary) => join(binDir(), name)

let modCache: string | undefined
/** Go's module cache, where KEDA's and KWOK's source folders are. */
function goModCache(): string {
  if (modCache) return modCache
  try {
    modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim()
  } catch {}
  modCache ||= join(goBin(), '..', 'pkg', 'mod')
  return modCache
}
const kedaSource = () => join(goModCache(), 'github.com', 'kedacore', 'keda', `v2@${KEDA_VERSION}`)
const kwokSource = () => join(goModCache(), 'sigs.k8s.io', `kwok@${KWOK_VERSION}`)

/**
 * Why the Kubernetes tests cannot run here, or undefined when they can. Prints the reason
 * once; under CI it throws instead.
 */
export function kubernetesUnavailable(): string | undefined {
  const fix = `build them with .ci/install-kubernetes.sh (looked in ${binDir()})`
  const missing = BINARIES.filter((b) => !existsSync(bin(b)))
  const sources = [kedaSource(), kwokSource()].filter((d) => !existsSync(d))
  const what = 'Kubernetes'
  if (missing.length > 0 || sources.length > 0) {
    const gone = [...missing, ...sources]
    return binaryUnavailable(what, undefined, '', `${gone.join(', ')} missing; ${fix}`)
  }
  return binaryUnavailable(what, bin('kube-apiserver'), '--version', fix)
}

// --- certificates ---------------------------------------------------------------------------

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY_MS = 86_400_000
const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex')
const keyPem = async (key: CryptoKey) =>
  x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY')

interface Authority {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
}

async function authority(name: string): Promise<Authority> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 7 * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { cert, keys }
}

async function issue(
  ca: Authority,
  subject: string,
  use: 'server' | 'client',
  names: { dns?: string[]; ip?: string[] } = {},
): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  const sans = [
    ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
  ]
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 7 * DAY_MS),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        [use === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  })
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) }
}

interface Pki {
  ca: string
  caKey: string
  apiserver: { cert: string; key: string }
  admin: { cert: string; key: string }
  frontProxyCa: string
  frontProxyClient: { cert: string; key: string }
  serviceAccount: { publicKey: string; privateKey: string }
}

/** The cluster CA, the front-proxy CA (for aggregated APIs), their certificates and the service-account key pair. */
async function makePki(): Promise<Pki> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const ca = await authority('oms-test-kubernetes-ca')
  const frontProxy = await authority('oms-test-front-proxy-ca')
  const sa = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  return {
    ca: ca.cert.toString('pem'),
    caKey: await keyPem(ca.keys.privateKey),
    apiserver: await issue(ca, 'CN=kube-apiserver', 'server', {
      dns: [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ],
      ip: ['127.0.0.1', SERVICE_IP],
    }),
    admin: await issue(ca, 'CN=oms-test-admin, O=system:masters', 'client'),
    frontProxyCa: frontProxy.cert.toString('pem'),
    frontProxyClient: await issue(frontProxy, 'CN=front-proxy-client', 'client'),
    serviceAccount: {
      publicKey: x509.PemConverter.encode(
        await webcrypto.subtle.exportKey('spki', sa.publicKey),
        'PUBLIC KEY',
      ),
      privateKey: await keyPem(sa.privateKey),
    },
  }
}

/** The first address of the service range: the `kubernetes` Service's. */
const SERVICE_IP = '10.96.0.1'

// --- processes ------------------------------------------------------------------------------

interface Proc {
  name: string
  child: ChildProcess
  /** Its log file (stdout and stderr). */
  log: string
  exited: Promise<number | null>
}

function launch(
  dir: string,
  name: string,
  binary: Binary,
  args: string[],
  env: Record<string, string> = {},
): Proc {
  const log = join(dir, 'logs', `${name}.log`)
  const fd = openSync(log, 'a')
  const child = spawn(bin(binary), args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  })
  closeSync(fd)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.once('error', () => resolve(-1))
  })
  return { name, child, log, exited }
}

const running = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null

function tail(p: Proc, chars = 3000): string {
  try {
    return readFileSync(p.log, 'utf8').slice(-chars)
  } catch {
    return ''
  }
}

async function stopProc(p: Proc, graceMs = 10_000): Promise<void> {
  if (!running(p)) return
  const kill = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
  p.child.kill('SIGTERM')
  await p.exited
  clearTimeout(kill)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns true; fails early when one of `watch` has exited. */
async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  watch: Proc[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    for (const p of watch)
      if (!running(p)) throw new Error(`${p.name} exited while waiting for ${what}:\n${tail(p)}`)
    try {
      if (await check()) return
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      const logs = watch.map((p) => `--- ${p.name}:\n${tail(p, 1500)}`).join('\n')
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}\n${logs}`,
      )
    }
    await sleep(250)
  }
}

/** GET over HTTPS with the admin certificate; resolves with the status code and body. */
function httpsGet(url: string, pki: Pki): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: pki.ca, cert: pki.admin.cert, key: pki.admin.key, timeout: 5000 },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end()
  })
}

// --- the cluster ----------------------------------------------------------------------------

/** kubectl failed: its exit code and what it wrote on stderr. */
export class KubectlError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`kubectl ${args.join(' ')} exited with ${code}: ${stderr.trim() || stdout.trim()}`)
  }
}

export interface KubernetesCluster {
  /** Path of a kubeconfig file with the admin's credentials (system:masters). */
  kubeconfig: string
  /** The API server's URL (https on 127.0.0.1). */
  server: string
  /** The KWOK nodes' names (label type=kwok). */
  nodes: string[]
  /** Runs kubectl against this cluster; resolves with stdout, rejects with a KubectlError. */
  kubectl(args: string[], input?: string): Promise<string>
  /** The last lines a component wrote (etcd, kube-apiserver, keda-operator, ...), for diagnoses. */
  logs(component: string): string
  /** Stops KEDA, KWOK, the scheduler, the controller manager, the API server, then etcd. */
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** How many KWOK nodes to make (default 2). */
  nodes?: number
  /** Install and run KEDA (default true). */
  keda?: boolean
  /** The HPA controller's sync period, in seconds (default 5; Kubernetes' default is 15). */
  hpaSyncSeconds?: number
}

/** Starts a control plane (and KEDA); check `kubernetesUnavailable()` first. */
export async function startKubernetes(options: ClusterOptions = {}): Promise<KubernetesCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'oms-k8s-'))
  await mkdir(join(dir, 'logs'))
  await mkdir(join(dir, 'pki'))
  const procs: Proc[] = []
  const start = (name: string, binary: Binary, args: string[], env?: Record<string, string>) => {
    const p = launch(dir, name, binary, args, env)
    procs.push(p)
    return p
  }
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    // The reverse of the start order: KEDA, KWOK, scheduler, controller manager, API server,
    // then etcd (etcd first leaves the API server hanging for long).
    for (const p of [...procs].reverse()) await stopProc(p)
    await rm(dir, { recursive: true, force: true })
  }

  try {
    const pki = await makePki()
    const file = async (name: string, text: string) => {
      const path = join(dir, 'pki', name)
      await writeFile(path, text, { mode: 0o600 })
      return path
    }
    const caFile = await file('ca.crt', pki.ca)
    const apiCert = await file('apiserver.crt', pki.apiserver.cert)
    const apiKey = await file('apiserver.key', pki.apiserver.key)
    const frontProxyCa = await file('front-proxy-ca.crt', pki.frontProxyCa)
    const proxyCert = await file('front-proxy-client.crt', pki.frontProxyClient.cert)
    const proxyKey = await file('front-proxy-client.key', pki.frontProxyClient.key)
    const saPub = await file('sa.pub', pki.serviceAccount.publicKey)
    const saKey = await file('sa.key', pki.serviceAccount.privateKey)

    const ports = new Set<number>()
    while (ports.size < 14) ports.add(await freePort())
    const [etcdClient, etcdPeer, api, cm, sched, ...kedaPorts] = [...ports] as number[]

    // etcd
    const etcd = start('etcd', 'etcd', [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ])
    await until(
      'etcd to be healthy',
      async () => {
        const res = await fetch(`http://127.0.0.1:${etcdClient}/health`, {
          signal: AbortSignal.timeout(1000),
        })
        return res.ok && ((await res.json()) as { health?: string }).health === 'true'
      },
      30_000,
      [etcd],
    )

    // kube-apiserver
    const server = `https://127.0.0.1:${api}`
    const apiserver = start('kube-apiserver', 'kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${api}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${apiCert}`,
      `--tls-private-key-file=${apiKey}`,
      `--client-ca-file=${caFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // On loopback: "cannot use public IP 127.0.0.1 with endpoint reconciler" otherwise.
      '--endpoint-reconciler-type=none',
      // The aggregation layer (KEDA's external metrics API is an aggregated API).
      `--requestheader-client-ca-file=${frontProxyCa}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${proxyCert}`,
      `--proxy-client-key-file=${proxyKey}`,
      '--profiling=false',
    ])
    await until(
      'kube-apiserver to be ready',
      async () => (await httpsGet(`${server}/readyz`, pki)).status === 200,
      90_000,
      [etcd, apiserver],
    )

    const kubeconfig = join(dir, 'kubeconfig')
    const b64 = (s: string) => Buffer.from(s).toString('base64')
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'oms-test', cluster: { server, 'certificate-authority-data': b64(pki.ca) } },
        ],
        users: [
          {
            name: 'oms-test-admin',
            user: {
              'client-certificate-data': b64(pki.admin.cert),
              'client-key-data': b64(pki.admin.key),
            },
          },
        ],
        contexts: [{ name: 'oms-test', context: { cluster: 'oms-test', user: 'oms-test-admin' } }],
        'current-context': 'oms-test',
      }),
      { mode: 0o600 },
    )
    const kubectl = (args: string[], input?: string) => runKubectl(kubeconfig, args, input)

    // controller manager and scheduler
    const component = [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ]
    const controllerManager = start('kube-controller-manager', 'kube-controller-manager', [
      ...component,
      `--secure-port=${cm}`,
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${caFile}`,
      '--use-service-account-credentials=false',
      `--horizontal-pod-autoscaler-sync-period=${options.hpaSyncSeconds ?? 5}s`,
      '--kube-api-qps=100',
      '--kube-api-burst=200',
    ])
    const scheduler = start('kube-scheduler', 'kube-scheduler', [
      ...component,
      `--secure-port=${sched}`,
    ])

    // KWOK and its nodes
    const nodes = Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i}`)
    await kubectl(['apply', '-f', '-'], nodes.map(kwokNode).join('---\n'))
    const stages = [
      'node/fast/node-initialize.yaml',
      'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
    ]
      .concat(['pod/fast/pod-ready.yaml', 'pod/fast/pod-complete.yaml', 'pod/fast/pod-delete.yaml'])
      .map((f) => readFileSync(join(kwokSource(), 'kustomize', 'stage', f), 'utf8'))
    const kwokConfig = join(dir, 'kwok.yaml')
    await writeFile(kwokConfig, stages.join('\n---\n'))
    const kwok = start('kwok', 'kwok', [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfig}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-label-selector=type=kwok',
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.0/16',
      '--node-ip=127.0.0.1',
    ])
    const plane = [etcd, apiserver, controllerManager, scheduler, kwok]
    await until(
      'the KWOK nodes to be Ready',
      async () => {
        const out = await kubectl([
          'get',
          'nodes',
          '-l',
          'type=kwok',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ])
        return out.split('\n').filter((s) => s === 'True').length === nodes.length
      },
      60_000,
      plane,
    )
    // Pods need their namespace's default ServiceAccount, which the controller manager makes.
    await until(
      'the default ServiceAccount',
      async () => (await kubectl(['get', 'serviceaccount', 'default', '-o', 'name'])) !== '',
      60_000,
      plane,
    )

    if (options.keda !== false)
      await installKeda({ dir, kubectl, start, ports: kedaPorts, plane, caFile, kubeconfig })

    return {
      kubeconfig,
      server,
      nodes,
      kubectl,
      logs: (name) => {
        const p = procs.find((q) => q.name === name)
        return p ? tail(p) : ''
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

function kwokNode(name: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        type: 'kwok',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    status: {
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
    },
  })
}

function runKubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin('kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new KubectlError(args, code, stdout, stderr))
    })
    child.stdin.end(input ?? '')
  })
}

// --- KEDA, out of cluster -------------------------------------------------------------------

const KEDA_NAMESPACE = 'keda'
/** The name KEDA's operator patches with the metrics adapter's CA. */
const KEDA_API_SERVICE = 'v1beta1.external.metrics.k8s.io'

async function installKeda(ctx: {
  dir: string
  kubectl: (args: string[], input?: string) => Promise<string>
  start: (name: string, binary: Binary, args: string[], env?: Record<string, string>) => Proc
  ports: number[]
  plane: Proc[]
  caFile: string
  kubeconfig: string
}): Promise<void> {
  const { dir, kubectl, start, plane, kubeconfig } = ctx
  const [
    opMetrics,
    opProbe,
    opGrpc,
    adapterPort,
    adapterMetrics,
    hookPort,
    hookMetrics,
    hookProbe,
  ] = ctx.ports as [number, number, number, number, number, number, number, number]
  const source = kedaSource()

  await kubectl(['create', 'namespace', KEDA_NAMESPACE])
  await kubectl(['apply', '--server-side', '-f', join(source, 'config', 'crd', 'bases')])
  // Polled, not `kubectl wait`: that fails at once on a CRD that has no conditions yet.
  const crds = [
    'scaledobjects',
    'scaledjobs',
    'triggerauthentications',
    'clustertriggerauthentications',
  ]
  await until(
    "KEDA's CRDs to be Established",
    async () => {
      const out = await kubectl([
        'get',
        ...crds.map((c) => `crd/${c}.keda.sh`),
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}',
      ])
      return out.split('\n').filter((s) => s === 'True').length === crds.length
    },
    60_000,
    plane,
  )

  // The adapter and the webhooks run on this host: ExternalName Services lead the API server
  // to them, at the ports named on the APIService and the webhook configuration. The operator
  // fills in the CA bundles once it has made its certificates.
  const externalName = (name: string, port: number) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: KEDA_NAMESPACE },
    spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ name: 'https', port }] },
  })
  const hooks = parseAllDocuments(
    await readFile(join(source, 'config', 'webhooks', 'validation_webhooks.yaml'), 'utf8'),
  ).map((d) => d.toJS()) as {
    webhooks: { clientConfig: { service: { port?: number } }; failurePolicy?: string }[]
  }[]
  for (const config of hooks)
    for (const hook of config.webhooks) {
      hook.clientConfig.service.port = hookPort
      hook.failurePolicy = 'Fail'
    }
  const objects = [
    externalName('keda-metrics-apiserver', adapterPort),
    externalName('keda-admission-webhooks', hookPort),
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: KEDA_API_SERVICE },
      spec: {
        service: { name: 'keda-metrics-apiserver', namespace: KEDA_NAMESPACE, port: adapterPort },
        group: 'external.metrics.k8s.io',
        version: 'v1beta1',
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
    ...hooks,
  ]
  await kubectl(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'))

  const certDir = join(dir, 'keda-certs')
  await mkdir(certDir)
  const env = {
    KUBECONFIG: kubeconfig,
    WATCH_NAMESPACE: '',
    POD_NAMESPACE: KEDA_NAMESPACE,
    KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE,
  }
  const operatorArgs = [
    '--enable-cert-rotation=true',
    `--cert-dir=${certDir}`,
    `--metrics-bind-address=127.0.0.1:${opMetrics}`,
    `--health-probe-bind-address=127.0.0.1:${opProbe}`,
    `--metrics-service-bind-address=127.0.0.1:${opGrpc}`,
    '--leader-elect=false',
    '--zap-log-level=info',
    '--zap-encoder=console',
  ]

  // First start: the operator's certificate rotation makes secret keda/kedaorg-certs and then
  // exits on purpose (in a cluster the restarted pod finds it mounted). Copy it out instead.
  const first = start('keda-operator-certs', 'keda-operator', operatorArgs, env)
  const secretData = async () => {
    const out = await kubectl([
      'get',
      'secret',
      '-n',
      KEDA_NAMESPACE,
      'kedaorg-certs',
      '-o',
      'jsonpath={.data}',
    ])
    const data = (out ? JSON.parse(out) : {}) as Record<string, string>
    return data['tls.crt'] && data['tls.key'] && data['ca.crt'] ? data : undefined
  }
  await until(
    'KEDA to make its certificates',
    async () => Boolean(await secretData()),
    90_000,
    plane,
  )
  await Promise.race([first.exited, sleep(15_000)])
  await stopProc(first)
  const data = (await secretData()) as Record<string, string>
  for (const name of ['ca.crt', 'tls.crt', 'tls.key'])
    await writeFile(join(certDir, name), Buffer.from(data[name] as string, 'base64'), {
      mode: 0o600,
    })

  const operator = start('keda-operator', 'keda-operator', operatorArgs, env)
  const webhooks = start(
    'keda-admission-webhooks',
    'keda-admission-webhooks',
    [
      `--cert-dir=${certDir}`,
      `--port=${hookPort}`,
      `--metrics-bind-address=127.0.0.1:${hookMetrics}`,
      `--health-probe-bind-address=127.0.0.1:${hookProbe}`,
      '--zap-log-level=info',
      '--zap-encoder=console',
    ],
    env,
  )
  const adapter = start(
    'keda-adapter',
    'keda-adapter',
    [
      `--secure-port=${adapterPort}`,
      `--cert-dir=${certDir}`,
      `--tls-cert-file=${join(certDir, 'tls.crt')}`,
      `--tls-private-key-file=${join(certDir, 'tls.key')}`,
      `--client-ca-file=${ctx.caFile}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      `--lister-kubeconfig=${kubeconfig}`,
      `--port=${adapterMetrics}`,
      `--metrics-service-address=127.0.0.1:${opGrpc}`,
      // The operator's certificate names its Service, not 127.0.0.1.
      `--metrics-service-grpc-authority=keda-operator.${KEDA_NAMESPACE}.svc.cluster.local`,
      '--zap-log-level=info',
      '--zap-encoder=console',
    ],
    env,
  )
  const keda = [...plane, operator, webhooks, adapter]
  await until(
    'KEDA to patch the CA bundles',
    async () => {
      const api = await kubectl([
        'get',
        'apiservice',
        KEDA_API_SERVICE,
        '-o',
        'jsonpath={.spec.caBundle}',
      ])
      const hook = await kubectl([
        'get',
        'validatingwebhookconfiguration',
        'keda-admission',
        '-o',
        'jsonpath={.webhooks[*].clientConfig.caBundle}',
      ])
      return api !== '' && hook.split(' ').every((b) => b !== '')
    },
    90_000,
    keda,
  )
  await until(
    'the external metrics API to be Available',
    async () =>
      (await kubectl([
        'get',
        'apiservice',
        KEDA_API_SERVICE,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Available")].status}',
      ])) === 'True',
    90_000,
    keda,
  )
  await until(
    'the KEDA webhooks to be ready',
    async () =>
      (await fetch(`http://127.0.0.1:${hookProbe}/readyz`, { signal: AbortSignal.timeout(1000) }))
        .ok,
    60_000,
    keda,
  )
}
