/**
 * The storefront's client assets: TypeScript and CSS under `functions/gateway/web/`, bundled
 * in memory by esbuild on their first request, kept for the life of the process and served
 * under `/assets/`. Server code never imports client code except through this bundler.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'
import { embeddedAssets } from '../../../runtime/model/embedded.ts'
import { bundleSource } from '../../../runtime/web/bundle-source.ts'
import { DomainError } from '../../../shared/errors.ts'
import { faviconRoutes } from './favicon.ts'

/** Folder of the client sources. */
export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url))

/** Served name → entry point in the web folder. */
export const ASSETS = {
  'storefront.js': 'storefront.ts',
  'order-page.js': 'order-page.ts',
  'kitchen.js': 'kitchen.ts',
  'admin.js': 'admin.ts',
  'styles.css': 'styles.css',
  'staff.css': 'staff.css',
} as const

export type AssetName = keyof typeof ASSETS

export interface Asset {
  body: string
  contentType: string
  /** Strong validator of the content, for If-None-Match. */
  etag: string
}

const built = new Map<string, Promise<Asset>>()

/** The assets `oms build` bundled (the gateway's `embed`); undefined when running from source. */
const PREBUILT = embeddedAssets('gateway')

function toAsset(entry: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22)
  const contentType = entry.endsWith('.css')
    ? 'text/css; charset=utf-8'
    : 'text/javascript; charset=utf-8'
  return { body, contentType, etag: `"${hash}"` }
}

/** Every asset bundled now, by served name (what `oms build` embeds). */
export async function bundleAll(webDir = WEB_DIR): Promise<Record<AssetName, string>> {
  const out = {} as Record<AssetName, string>
  for (const [name, file] of Object.entries(ASSETS) as [AssetName, string][]) {
    out[name] = await bundleSource(join(webDir, file))
  }
  return out
}

async function bundle(entry: string): Promise<Asset> {
  return toAsset(entry, await bundleSource(entry))
}

/** One asset, bundled once per process; a failed build is tried again on the next request. */
export function loadAsset(name: AssetName, webDir = WEB_DIR): Promise<Asset> {
  const entry = join(webDir, ASSETS[name])
  const prebuilt = PREBUILT?.[name]
  if (prebuilt !== undefined && webDir === WEB_DIR) return Promise.resolve(toAsset(entry, prebuilt))
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

/**
 * `GET /assets/:name`: the bundles, revalidated by ETag so a reload picks up a new build; and
 * the pages' icon.
 */
export function webAssets({ webDir = WEB_DIR }: WebAssetsOptions = {}): Hono {
  return faviconRoutes().get('/assets/:name', async (c) => {
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
