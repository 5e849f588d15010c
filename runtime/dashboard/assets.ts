/**
 * The dashboard's page: an HTML shell, its TypeScript bundled by esbuild in memory on the first
 * request (kept for the life of the process) and its stylesheet, all from `web/` beside this
 * file. Same origin only: no CDN, no inline code. The dashboard runs from source (`oms dev`);
 * a bundle built by `oms build` carries neither the sources nor esbuild, and says so.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleSource } from '../web/bundle-source.ts'

/** Folder of the page's sources. */
export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url))

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
}

export interface Asset {
  body: string
  contentType: string
  etag: string
}

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%231e3a5f'/%3E%3Cpath d='M7 22h4v-6H7zm7 0h4V10h-4zm7 0h4v-9h-4z' fill='%23e0f2fe'/%3E%3C/svg%3E"

/** The page: everything it shows it fetches from /_oms/api/ (and /_oms/dlq). */
export function shell(prefix: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light" />
    <title>Dashboard · OMS</title>
    <link rel="icon" href="${ICON}" />
    <link rel="stylesheet" href="${prefix}/assets/dashboard.css" />
    <script type="module" src="${prefix}/assets/dashboard.js"></script>
  </head>
  <body data-prefix="${prefix}">
    <main id="app" aria-busy="true">
      <noscript><p>This dashboard needs JavaScript.</p></noscript>
    </main>
  </body>
</html>
`
}

const SOURCES = {
  'dashboard.js': { file: 'dashboard.ts', contentType: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: 'dashboard.css', contentType: 'text/css; charset=utf-8' },
} as const

export type AssetName = keyof typeof SOURCES

export function isAssetName(name: string): name is AssetName {
  return Object.hasOwn(SOURCES, name)
}

const built = new Map<string, Promise<Asset>>()

/** One asset, made once per process; a failure is tried again on the next request. */
export function loadAsset(name: AssetName, webDir = WEB_DIR): Promise<Asset> {
  const { file, contentType } = SOURCES[name]
  const entry = join(webDir, file)
  let asset = built.get(entry)
  if (!asset) {
    asset = (async () => {
      if (!existsSync(entry))
        throw new Error(
          `the dashboard's page is not here (${entry}): it runs from the sources, under oms dev`,
        )
      const body = file.endsWith('.ts') ? await bundleSource(entry) : await readFile(entry, 'utf8')
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
      return { body, contentType, etag }
    })()
    built.set(entry, asset)
    asset.catch(() => built.delete(entry))
  }
  return asset
}
