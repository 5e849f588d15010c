/**
 * A setting: one environment variable a domain (or the runtime) reads, declared next to the
 * code that reads it — its name, its schema, its default, whether it is a secret, and what it
 * does when set and when unset (the README's configuration table is generated from these).
 */
import type * as z from 'zod'

const SETTING = Symbol.for('oms.setting')

export interface Setting<T = unknown> {
  readonly [SETTING]: true
  /** The variable's name, e.g. `KITCHEN_COOK_MS`. */
  readonly env: string
  /** Reads the variable's text when it is set (and not empty). */
  readonly schema: z.ZodType<T>
  /** The value when unset; a function is called once per process (e.g. a generated secret). */
  readonly fallback?: T | (() => T)
  /** A generated fallback is announced at start (e.g. a secret made for this run). */
  readonly generated: boolean
  /** Never printed in full. */
  readonly secret: boolean
  /** What it does when set (README: "when set"). */
  readonly whenSet: string
  /** What happens when it is unset (README: "when unset"). */
  readonly whenUnset: string
}

export interface SettingOptions<T> {
  /** The value when unset (omit for "no value"). */
  default?: T
  /** A value made once per process when unset, announced at start (e.g. a generated secret). */
  generate?: () => T
  secret?: boolean
  /** What it does when set. */
  set: string
  /** What happens when unset (default: the default value, or "unset"). */
  unset?: string
}

type Output<S extends z.ZodType> = z.output<S>

/** Declares a setting read from the environment variable `env`. */
export function setting<S extends z.ZodType>(
  env: string,
  schema: S,
  options: SettingOptions<Output<S>> & ({ default: Output<S> } | { generate: () => Output<S> }),
): Setting<Output<S>>
export function setting<S extends z.ZodType>(
  env: string,
  schema: S,
  options: SettingOptions<Output<S>>,
): Setting<Output<S> | undefined>
export function setting<S extends z.ZodType>(
  env: string,
  schema: S,
  options: SettingOptions<Output<S>>,
): Setting<Output<S> | undefined> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(env)) throw new Error(`setting ${env}: use A-Z, 0-9 and _`)
  const fallback = options.generate ?? options.default
  return {
    [SETTING]: true,
    env,
    schema: schema as z.ZodType<Output<S>>,
    ...(fallback !== undefined && { fallback }),
    generated: options.generate !== undefined,
    secret: options.secret ?? false,
    whenSet: options.set,
    whenUnset: options.unset ?? (options.default !== undefined ? String(options.default) : 'unset'),
  }
}

export function isSetting(value: unknown): value is Setting {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[SETTING] === true
  )
}

/** A group of settings by the key the code reads them under. */
export type SettingsSpec = Readonly<Record<string, Setting<unknown>>>

/** The values of a group, as the code reads them. */
export type SettingsOf<S extends SettingsSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never
}
