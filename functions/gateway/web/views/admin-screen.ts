/**
 * The back office once the admin is signed in: loads the menu and its stock, draws the table,
 * and makes every change through the admin routes (save, remove, set a level), refreshing the
 * table after each. Successes are said in the status line, failures in plain words where they
 * happened: beside a field, in the row, or in the page's alert.
 */
import { adminApi, type StockEntry } from '../lib/admin-api.ts'
import { adminMessage, itemProblems, reservedOf, stockMessage } from '../lib/admin-messages.ts'
import { ApiError, api, type MenuItem } from '../lib/api.ts'
import { byId, h, keepFocus, show } from '../lib/dom.ts'
import { problemSummary, readItemForm } from '../lib/item-form.ts'
import { parseUnits } from '../lib/units-input.ts'
import { type ItemForm, itemForm } from './admin-item-form.ts'
import { itemTable } from './admin-item-list.ts'

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err))

/** Focuses the first control marked with one of these keys that is there and enabled. */
function focusKey(...keys: string[]) {
  for (const key of keys) {
    const el = document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`)
    if (el && !(el as HTMLButtonElement).disabled) {
      el.focus()
      return
    }
  }
}

/**
 * Where focus goes when its control was redrawn away: Remove became "Keep" (the safe answer
 * first, so Enter twice does not remove), and back; else the row's Edit, else Add.
 */
function focusFallbacks(key: string): string[] {
  const id = key.split(':').slice(2).join(':')
  if (!id) return ['admin:add']
  return [`admin:keep:${id}`, `admin:remove:${id}`, `admin:edit:${id}`, 'admin:add']
}

/** `signInAgain` shows the sign-in once the session has ended, and resolves once back in. */
export function startBackOffice(signInAgain: () => Promise<void>) {
  const el = {
    screen: byId('admin-screen'),
    title: byId('admin-title'),
    add: byId<HTMLButtonElement>('admin-add'),
    status: byId('admin-status'),
    error: byId('admin-error'),
    editor: byId('admin-editor'),
    loading: byId('admin-loading'),
    items: byId('admin-items'),
  }
  let items: MenuItem[] = []
  let levels = new Map<string, StockEntry>()
  let confirming: string | undefined
  let form: { view: ItemForm; opener: string } | undefined
  const busy = new Set<string>()
  const stockDrafts = new Map<string, string>()
  const stockErrors = new Map<string, string>()

  const nameOf = (id: string) => items.find((i) => i.id === id)?.name ?? id

  function say(message: string) {
    show(el.error)
    show(el.status, message)
  }
  function sayError(message: string, ...extra: (Node | string)[]) {
    show(el.status)
    show(el.error, message, ...extra)
  }

  /** An ended session: sign in again, keeping the page (and a form being filled in) as it is. */
  async function whenSignedOut(err: ApiError): Promise<boolean> {
    if (err.code !== 'UNAUTHORIZED') return false
    el.screen.hidden = true
    await signInAgain()
    el.screen.hidden = false
    say('Signed in again. Make your change once more.')
    return true
  }

  function render() {
    keepFocus(
      () =>
        show(
          el.items,
          itemTable({ items, levels, confirming, busy, stockDrafts, stockErrors }, actions),
        ),
      focusFallbacks,
    )
  }

  /** Reads the menu and every stock level again; a failure is said in the page's alert. */
  async function refresh(): Promise<void> {
    try {
      const [menu, stock] = await Promise.all([api.menu(), adminApi.stock()])
      items = menu.items
      levels = new Map(stock.items.map((level) => [level.id, level]))
      // Forget what was kept for items that are gone.
      const ids = new Set(items.map((i) => i.id))
      for (const kept of [stockDrafts, stockErrors])
        for (const id of kept.keys()) if (!ids.has(id)) kept.delete(id)
      if (confirming && !ids.has(confirming)) confirming = undefined
      el.loading.hidden = true
      render()
    } catch (err) {
      const apiError = asApiError(err)
      if (await whenSignedOut(apiError)) return refresh()
      el.loading.hidden = true
      render()
      sayError(
        adminMessage(apiError, 'load the menu and stock'),
        ' ',
        h(
          'button',
          { type: 'button', class: 'link-button', onclick: () => void refresh() },
          'Try again',
        ),
      )
    }
  }

  // ---- the form: add an item, or edit one ----------------------------------------------

  function openForm(item: MenuItem | undefined, opener: string) {
    const view = itemForm({
      item,
      currency: items[0]?.currency ?? 'eur',
      onSave: (f) => void save(f),
      onCancel: () => closeForm(true),
    })
    form = { view, opener }
    show(el.editor, view.element)
    el.editor.scrollIntoView({ block: 'nearest' })
    view.focusFirst()
  }

  function closeForm(giveFocusBack: boolean) {
    const opener = form?.opener
    form = undefined
    show(el.editor)
    if (giveFocusBack && opener) focusKey(opener, 'admin:add')
  }

  async function save(view: ItemForm) {
    const reading = readItemForm(view.values(), {
      adding: view.adding,
      takenIds: new Set(items.map((i) => i.id)),
    })
    if (!reading.ok) {
      view.showProblems(reading.problems, problemSummary(reading.problems))
      return
    }
    const { id, fields } = reading
    view.setBusy(true)
    try {
      await adminApi.saveItem(id, fields)
    } catch (err) {
      view.setBusy(false)
      const apiError = asApiError(err)
      if (await whenSignedOut(apiError)) return
      const problems = itemProblems(apiError, fields.currency)
      const summary = [problemSummary(problems.fields), ...problems.other].filter(Boolean).join(' ')
      view.showProblems(problems.fields, summary || adminMessage(apiError, `save ${fields.name}`))
      return
    }
    closeForm(false)
    say(view.adding ? `Added ${fields.name} to the menu.` : `Saved ${fields.name}.`)
    await refresh()
    focusKey(`admin:edit:${id}`, 'admin:add')
  }

  // ---- the table's actions -------------------------------------------------------------

  const actions = {
    edit(id: string) {
      const item = items.find((i) => i.id === id)
      if (item) openForm(item, `admin:edit:${id}`)
    },
    askRemove(id: string) {
      confirming = id
      render()
      focusKey(`admin:keep:${id}`)
    },
    keep(id: string) {
      confirming = undefined
      render()
      focusKey(`admin:remove:${id}`)
    },
    remove: (id: string) => void remove(id),
    typeStock(id: string, value: string) {
      stockDrafts.set(id, value)
    },
    setStock,
  }

  async function remove(id: string) {
    const name = nameOf(id)
    // Where the keyboard goes once the row is gone: the next row, else the one before.
    const at = items.findIndex((i) => i.id === id)
    const neighbour = items[at + 1]?.id ?? items[at - 1]?.id
    busy.add(id)
    render()
    try {
      await adminApi.removeItem(id)
      if (form?.opener === `admin:edit:${id}`) closeForm(false)
      say(`Removed ${name} from the menu.`)
    } catch (err) {
      const apiError = asApiError(err)
      if (!(await whenSignedOut(apiError))) sayError(adminMessage(apiError, `remove ${name}`))
    } finally {
      busy.delete(id)
      confirming = undefined
    }
    await refresh()
    focusKey(`admin:remove:${id}`, ...(neighbour ? [`admin:remove:${neighbour}`] : []), 'admin:add')
  }

  async function setStock(id: string, value: string): Promise<string | undefined> {
    const name = nameOf(id)
    const units = parseUnits(value)
    if (!units.ok) {
      stockErrors.set(id, units.message)
      return units.message
    }
    show(el.error)
    try {
      const { item } = await adminApi.setStock(id, units.units)
      levels.set(id, item)
      stockDrafts.delete(id)
      stockErrors.delete(id)
      say(`${name}: ${item.onHand} on hand, ${item.available} available.`)
    } catch (err) {
      const apiError = asApiError(err)
      if (await whenSignedOut(apiError)) return 'Signed in again: press Set once more.'
      const message = stockMessage(apiError, name)
      stockErrors.set(id, message)
      // The refusal names what is reserved now: show that in the row as well.
      const reserved = reservedOf(apiError)
      const level = levels.get(id)
      if (reserved !== undefined && level) levels.set(id, { ...level, reserved })
      if (apiError.code !== 'ITEM_NOT_FOUND') return message
      // Gone meanwhile: the table is redrawn without it, so say it in the page's alert.
      sayError(message)
      await refresh()
      return message
    }
    await refresh()
    focusKey(`admin:onhand:${id}`)
    return undefined
  }

  el.add.addEventListener('click', () => {
    if (form?.view.adding) form.view.focusFirst()
    else openForm(undefined, 'admin:add')
  })
  el.screen.hidden = false
  el.title.focus()
  void refresh()
}
