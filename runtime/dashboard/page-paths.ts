/**
 * The dashboard's paths, apart from its code: the operator routes' guard needs them in every
 * process, the dashboard itself is loaded only where it is on (OMS_DASHBOARD).
 */

/** Where the dashboard lives: the operator routes' prefix. */
export const DASHBOARD_PREFIX = '/_oms'

/** The page and its assets: they hold no data, so a browser may load them before it has a token. */
export function isDashboardPage(path: string): boolean {
  return (
    path === DASHBOARD_PREFIX ||
    path === `${DASHBOARD_PREFIX}/` ||
    path.startsWith(`${DASHBOARD_PREFIX}/assets/`)
  )
}
