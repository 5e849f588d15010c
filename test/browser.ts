/**
 * What the browser tests share: Debian's Chromium through playwright-core (skipped with the
 * reason printed when it is absent, except under CI, where that fails), its launch flags, and
 * where screenshots go.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { startSystem, type TestSystem } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = 'test-artifacts/screenshots'

export const haveChromium = existsSync(CHROMIUM)
/** Under CI a missing browser is a failure, never a skip. */
export const mustRun = Boolean(process.env.CI)

/** Whether the suite `what` runs here; says why not once when it is skipped. */
export function browserTestsRun(what: string): boolean {
  if (!haveChromium && !mustRun)
    console.warn(
      `${what} browser tests skipped: no Chromium at ${CHROMIUM} (install it with .ci/install-chromium.sh)`,
    )
  return haveChromium || mustRun
}

export async function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/install-chromium.sh`)
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Saves a screenshot of the page as test-artifacts/screenshots/<name>.png. */
export const screenshot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage })

/** Collects the page's uncaught errors and console errors (a CSP violation lands here). */
export function pageErrorsOf(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    // Failed requests are the point of some tests (a server away); they are not page bugs.
    if (msg.type() === 'error' && !/^Failed to load resource|net::ERR_/.test(msg.text()))
      errors.push(msg.text())
  })
  return errors
}

/**
 * The whole system on a port free right now, PUBLIC_URL naming it (redirects and payment links
 * point at it); tried again on another port if that one was taken meanwhile.
 */
export async function startShop(env: Record<string, string> = {}): Promise<TestSystem> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      return await startSystem({
        env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env },
      })
    } catch (err) {
      if (attempt >= 3 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    }
  }
}

/**
 * The README's screenshot of a screen, saved as docs/<name>.png only when asked
 * (`UPDATE_DOCS_SCREENSHOTS=1 npx vitest run test/*.browser.test.ts`), so a test run leaves the
 * checkout as it was; always saved under test-artifacts/screenshots/ as docs-<name>.png.
 */
export async function docsScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await screenshot(page, `docs-${name}`, fullPage)
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1')
    await page.screenshot({ path: join('docs', `${name}.png`), fullPage })
}
