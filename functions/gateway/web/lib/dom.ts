/**
 * A tiny DOM builder. Text always goes in as text nodes, never as markup, so names and
 * descriptions from the API cannot inject HTML.
 */

export type Child = Node | string | number | false | null | undefined | readonly Child[]
type Listener = (event: Event) => void
export type Props = Record<string, string | number | boolean | Listener | null | undefined>

/** `h('button', { class: 'add', onclick: add }, 'Add')`; `on*` props are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(name.slice(2), value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append(parent: Node, children: readonly Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else if (child instanceof Node) parent.appendChild(child)
    else parent.appendChild(document.createTextNode(String(child)))
  }
}

/** The element with this id; throws when the page lacks it (a bug, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`the page has no #${id}`)
  return el as T
}

/** Replaces an element's content. */
export function show(el: Element, ...children: Child[]) {
  el.replaceChildren()
  append(el, children)
}

/**
 * Re-renders without losing the keyboard user's place: the element focused before (marked
 * `data-focus="key"`) is focused again after, or the first of `fallbacks(key)` that exists.
 */
export function keepFocus(render: () => void, fallbacks: (key: string) => string[] = () => []) {
  const key = (document.activeElement as HTMLElement | null)?.dataset?.focus
  render()
  if (!key) return
  for (const candidate of [key, ...fallbacks(key)]) {
    const el = document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(candidate)}"]`)
    if (el && !(el as HTMLButtonElement).disabled) {
      el.focus()
      return
    }
  }
}

/** `value` as an absolute http(s) URL, or undefined: links from the API never run script. */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value, location.href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}
