/**
 * The customer id: made once per browser and kept in localStorage, so "My orders" finds the
 * same orders next time. The API takes letters, digits, - and _.
 */

export const CUSTOMER_KEY = 'oms.customerId'
const VALID = /^[A-Za-z0-9_-]{1,64}$/

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>

/** A new id: `c_` and 24 hex digits (crypto.getRandomValues works on plain http too). */
export function newCustomerId(
  randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n)),
) {
  return `c_${[...randomBytes(12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** localStorage, or undefined where it is blocked (some private modes throw on access). */
export function browserStorage(): KeyValue | undefined {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

let pageId: string | undefined

/** The stored id, or a new one that is stored (kept for the page's life if storage fails). */
export function customerId(storage: KeyValue | undefined = browserStorage()): string {
  try {
    const stored = storage?.getItem(CUSTOMER_KEY)
    if (stored && VALID.test(stored)) return stored
  } catch {}
  const id = newCustomerId()
  try {
    if (storage) {
      storage.setItem(CUSTOMER_KEY, id)
      return id
    }
  } catch {}
  pageId ??= id
  return pageId
}

/**
 * Takes the customer id of an order page as this browser's when it has none yet, so "My
 * orders" finds the order even when checkout sent the customer back to another host name
 * (localhost vs 127.0.0.1). An id already kept is never replaced.
 */
export function adoptCustomerId(id: string, storage: KeyValue | undefined = browserStorage()) {
  if (!VALID.test(id)) return
  try {
    const stored = storage?.getItem(CUSTOMER_KEY)
    if (!stored || !VALID.test(stored)) storage?.setItem(CUSTOMER_KEY, id)
  } catch {}
}
