/**
 * One item's units on hand in the back office's table: a number field and Set, with the reason
 * a level was refused right under it. The field keeps what was typed across redraws of the
 * table (`draft`), and the reason is written into the row's existing alert, so it is announced.
 */
import { h } from '../lib/dom.ts'

export interface StockCellView {
  id: string
  name: string
  onHand: number
  /** What was typed and not set yet, if anything. */
  draft: string | undefined
  /** Why the last level typed was refused, if it was. */
  error: string | undefined
  busy: boolean
}

export interface StockCellActions {
  typeStock(id: string, value: string): void
  /** Sets the level typed; resolves with why it was refused, or undefined once it is set. */
  setStock(id: string, value: string): Promise<string | undefined>
}

export function stockCell(view: StockCellView, actions: StockCellActions) {
  const { id, name } = view
  const inputId = `onhand-${id}`
  const errorId = `onhand-error-${id}`
  const input = h('input', {
    id: inputId,
    class: 'stock-input',
    type: 'number',
    inputmode: 'numeric',
    min: 0,
    step: 1,
    value: view.draft ?? String(view.onHand),
    'aria-describedby': errorId,
    'aria-invalid': view.error ? 'true' : null,
    'data-focus': `admin:onhand:${id}`,
    oninput: () => actions.typeStock(id, input.value),
  })
  const error = h('p', { id: errorId, class: 'field-error', role: 'alert' }, view.error)
  const button = h(
    'button',
    {
      type: 'submit',
      class: 'button small',
      'aria-label': `Set units on hand of ${name}`,
      'data-focus': `admin:set:${id}`,
      disabled: view.busy,
    },
    'Set',
  )
  const submit = async (event: Event) => {
    event.preventDefault()
    if (button.disabled) return
    button.disabled = true
    button.setAttribute('aria-busy', 'true')
    error.replaceChildren()
    const problem = await actions.setStock(id, input.value)
    // Once set, the table is redrawn with the new level: this cell is gone.
    if (problem === undefined) return
    button.disabled = false
    button.removeAttribute('aria-busy')
    error.textContent = problem
    input.setAttribute('aria-invalid', 'true')
    input.focus()
    input.select()
  }
  return h(
    'form',
    { class: 'stock-form', novalidate: true, onsubmit: (event: Event) => void submit(event) },
    h('label', { class: 'visually-hidden', for: inputId }, `Units on hand of ${name}`),
    input,
    button,
    error,
  )
}
