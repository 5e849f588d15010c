/**
 * Development certificates for mutual TLS between the processes (`oms certs`): a CA, and one
 * certificate per domain whose subject CN is the domain — what a receiving process takes as
 * the caller's identity — valid for the domain's name, localhost and 127.0.0.1 (plus any host
 * given), for both server and client use. ECDSA P-256, made with @peculiar/x509 over Node's
 * WebCrypto. For production, issue the same shape of certificates from your own CA.
 */
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY_MS = 86_400_000

export interface Pem {
  cert: string
  key: string
}

export interface DevCertificates {
  ca: Pem
  /** By domain. */
  domains: Record<string, Pem>
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex')

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')

export async function makeDevCertificates(options: {
  domains: readonly string[]
  /** Other names or addresses the processes are dialled at. */
  hosts?: readonly string[]
  days?: number
}): Promise<DevCertificates> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const notBefore = new Date(Date.now() - DAY_MS)
  const notAfter = new Date(Date.now() + (options.days ?? 365) * DAY_MS)
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=OMS development CA',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  const domains: Record<string, Pem> = {}
  for (const domain of options.domains) {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
    const names = [...new Set([domain, 'localhost', '127.0.0.1', ...(options.hosts ?? [])])]
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${domain}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingKey: caKeys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(
          [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
          false,
        ),
        new x509.SubjectAlternativeNameExtension(
          names.map((value) => ({ type: isIp(value) ? ('ip' as const) : ('dns' as const), value })),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    })
    domains[domain] = { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) }
  }
  return { ca: { cert: ca.toString('pem'), key: await keyPem(caKeys.privateKey) }, domains }
}
