/**
 * The storefront's client assets: TypeScript and CSS under `functions/gateway/web/`, bundled
 * in memory by esbuild on their first request, kept for the life of the process and served
 * under `/assets/`. Server code never imports client code except through this bundler.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { DomainError } from '../../../shared/errors.ts'

/** Folder of the client sources. */
export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url))

/** Served name → entry point in the web folder. */
export const ASSETS = {
  'storefront.js': 'storefront.ts',
  'order-page.js': 'order-page.ts',
  'styles.css': 'styles.css',
} as const

export type AssetName = keyof typeof ASSETS

export interface Asset {
  body: string
  contentType: string
  /** Strong validator of the content, for If-None-Match. */
  etag: string
}

const built = new Map<string, Promise<Asset>>()

async function bundle(entry: string): Promise<Asset> {
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
  const hash = createHash('sha256').update(output.contents).digest('base64url').slice(0, 22)
  return {
    body: output.text,
    contentType: entry.endsWith('.css')
      ? 'text/css; charset=utf-8'
      : 'text/javascript; charset=utf-8',
    etag: `"${hash}"`,
  }
}

/** One asset, bundled once per process; a failed build is tried again on the next request. */
export function loadAsset(name: AssetName, webDir = WEB_DIR): Promise<Asset> {
  const entry = join(webDir, ASSETS[name])
  let asset = built.get(entry)
  if (!asset) {
    asset = bundle(entry)
    built.set(entry, asset)
    asset.catch(() => built.delete(entry))
  }
  return asset
}

export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(ASSETS, name)
}

export interface WebAssetsOptions {
  /** Folder of the client sources (default: WEB_DIR). */
  webDir?: string
}

/** `GET /assets/:name`: the bundles, revalidated by ETag so a reload picks up a new build. */
export function webAssets({ webDir = WEB_DIR }: WebAssetsOptions = {}): Hono {
  return new Hono().get('/assets/:name', async (c) => {
    const name = c.req.param('name')
    if (!isAssetName(name)) throw new DomainError('NOT_FOUND', `no asset named ${name}`)
    const asset = await loadAsset(name, webDir)
    const headers = {
      'cache-control': 'no-cache',
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
    }
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers)
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType })
  })
}
