/**
 * Mutual TLS for gRPC between the processes, from the PEM files OMS_TLS_CA, OMS_TLS_CERT and
 * OMS_TLS_KEY name: the server asks every caller for a certificate signed by the CA, and the
 * clients present theirs and check the server's against the same CA.
 */
import { readFileSync } from 'node:fs'
import { type ChannelCredentials, credentials, ServerCredentials } from '@grpc/grpc-js'
import { ConfigError } from '../config/config-error.ts'

export interface TlsFiles {
  ca: string
  cert: string
  key: string
}

export interface TlsCredentials {
  server: ServerCredentials
  client: ChannelCredentials
}

function read(path: string, env: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new ConfigError(`${env}: cannot read ${path} (${(err as Error).message})`)
  }
}

export function tlsCredentials(files: TlsFiles): TlsCredentials {
  const ca = read(files.ca, 'OMS_TLS_CA')
  const cert = read(files.cert, 'OMS_TLS_CERT')
  const key = read(files.key, 'OMS_TLS_KEY')
  return {
    // true: a caller without a certificate signed by the CA is refused at the handshake.
    server: ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true),
    client: credentials.createSsl(ca, key, cert),
  }
}
