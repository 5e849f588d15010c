/**
 * Assets a domain makes at build time (its `embed` hook), embedded in bundles by `oms build`
 * through an esbuild define, so a bundle serves them without its build tools at run time.
 */
declare const __OMS_EMBEDDED__:
  | Readonly<Record<string, Readonly<Record<string, string>>>>
  | undefined

const EMBEDDED = typeof __OMS_EMBEDDED__ === 'undefined' ? undefined : __OMS_EMBEDDED__

/** The assets `oms build` embedded for the domain; undefined when running from source. */
export function embeddedAssets(domain: string): Readonly<Record<string, string>> | undefined {
  return EMBEDDED?.[domain]
}
