/**
 * The back office's form to add an item or edit one: labelled fields with a hint each, the
 * problem with a field right under it (and marked invalid), a summary in the form's alert, and
 * Save and Cancel (Escape cancels too). Built once per opening, so what is typed survives the
 * table's redraws; the screen reads it (`values`) and reports back (`showProblems`).
 */
import type { MenuItem } from '../lib/api.ts'
import { h, show } from '../lib/dom.ts'
import {
  FIELD_LABELS,
  ID_HINT,
  ITEM_FIELDS,
  type ItemField,
  type ItemFormValues,
  MAX_ID_LENGTH,
  slugFrom,
} from '../lib/item-form.ts'
import { priceInputValue } from '../lib/price-input.ts'

const HINTS: Readonly<Record<ItemField, string>> = {
  id: `${ID_HINT} It names the item in orders and cannot be changed later.`,
  name: 'As customers see it on the menu.',
  description: 'Optional: what is in it, up to 500 characters.',
  price: 'In the currency’s main unit, e.g. 3.50.',
  currency: '3-letter code, e.g. eur.',
  priceId: 'The Stripe price checkout charges, e.g. price_1Qx…',
}

export interface ItemFormOptions {
  /** The item edited; none to add a new one. */
  item?: MenuItem
  /** The currency a new item starts with. */
  currency: string
  onSave(form: ItemForm): void
  onCancel(): void
}

export interface ItemForm {
  element: HTMLFormElement
  adding: boolean
  values(): ItemFormValues
  /** Marks the fields at fault and says so in the form's alert; focuses the first of them. */
  showProblems(problems: Partial<Record<ItemField, string>>, summary: string): void
  setBusy(busy: boolean): void
  focusFirst(): void
}

type Control = HTMLInputElement | HTMLTextAreaElement

export function itemForm({ item, currency, onSave, onCancel }: ItemFormOptions): ItemForm {
  const adding = item === undefined
  const controls = new Map<ItemField, Control>()
  const errors = new Map<ItemField, HTMLElement>()
  const initial: ItemFormValues = {
    id: item?.id ?? '',
    name: item?.name ?? '',
    description: item?.description ?? '',
    price: item ? priceInputValue(item.unitAmount, item.currency) : '',
    currency: item?.currency ?? currency,
    priceId: item?.priceId ?? '',
  }

  function field(name: ItemField, props: Record<string, string | number | boolean>) {
    const id = `item-${name}`
    const control =
      name === 'description'
        ? h('textarea', { id, name, rows: 2, ...props }, initial.description)
        : h('input', { id, name, type: 'text', value: initial[name], ...props })
    control.setAttribute('aria-describedby', `${id}-hint ${id}-error`)
    const error = h('p', { id: `${id}-error`, class: 'field-error' })
    controls.set(name, control)
    errors.set(name, error)
    return h(
      'div',
      { class: `field field-${name}` },
      h('label', { for: id }, FIELD_LABELS[name]),
      control,
      h('p', { id: `${id}-hint`, class: 'hint' }, HINTS[name]),
      error,
    )
  }

  const title = adding ? 'Add an item' : `Edit ${item.name}`
  const alert = h('div', { id: 'item-form-error', class: 'alert', role: 'alert' })
  const save = h(
    'button',
    { type: 'submit', class: 'button primary', 'data-focus': 'admin:save' },
    adding ? 'Add item' : 'Save changes',
  )
  const cancel = h(
    'button',
    { type: 'button', class: 'button', 'data-focus': 'admin:cancel', onclick: () => onCancel() },
    'Cancel',
  )
  const element = h(
    'form',
    {
      class: adding ? 'item-form' : 'item-form editing',
      'aria-labelledby': 'item-form-title',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault()
        if (!save.disabled) onSave(form)
      },
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === 'Escape') onCancel()
      },
    },
    h('h2', { id: 'item-form-title', class: 'item-form-title', tabindex: -1 }, title),
    !adding && h('p', { class: 'muted small' }, `Id ${item.id} (ids cannot be changed).`),
    h(
      'div',
      { class: 'form-grid' },
      field('name', { maxlength: 100, autocomplete: 'off' }),
      adding &&
        field('id', {
          maxlength: MAX_ID_LENGTH,
          autocomplete: 'off',
          autocapitalize: 'none',
          spellcheck: 'false',
        }),
      field('description', { maxlength: 500 }),
      field('price', { inputmode: 'decimal', autocomplete: 'off' }),
      field('currency', { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
      field('priceId', { maxlength: 255, autocomplete: 'off', spellcheck: 'false' }),
    ),
    alert,
    h('div', { class: 'form-actions' }, save, cancel),
  )

  // A new item's id follows its name until the id is typed in by hand.
  if (adding) {
    const idControl = controls.get('id')!
    let idTyped = false
    idControl.addEventListener('input', () => {
      idTyped = idControl.value !== ''
    })
    controls.get('name')!.addEventListener('input', () => {
      if (!idTyped) idControl.value = slugFrom(controls.get('name')!.value)
    })
  }

  const form: ItemForm = {
    element,
    adding,
    values() {
      const value = (name: ItemField) => controls.get(name)?.value ?? initial[name]
      return Object.fromEntries(ITEM_FIELDS.map((name) => [name, value(name)])) as ItemFormValues
    },
    showProblems(problems, summary) {
      for (const name of ITEM_FIELDS) {
        const problem = problems[name]
        const control = controls.get(name)
        if (!control) continue
        if (problem) control.setAttribute('aria-invalid', 'true')
        else control.removeAttribute('aria-invalid')
        show(errors.get(name)!, problem)
      }
      show(alert, summary)
      const first = ITEM_FIELDS.find((name) => problems[name] && controls.has(name))
      if (first) controls.get(first)!.focus()
    },
    setBusy(busy) {
      save.disabled = busy
      if (busy) save.setAttribute('aria-busy', 'true')
      else save.removeAttribute('aria-busy')
    },
    focusFirst() {
      controls.get('name')!.focus()
    },
  }
  return form
}
