/**
 * Reads every declared setting from the environment at start and validates them all at once:
 * a bad value stops the process with a message naming each bad variable. Declarations are
 * merged by variable name — two owners may read the same variable only through the same
 * declaration — and each owner gets only the values it declared.
 */
import { ConfigError } from './config-error.ts'
import type { Setting, SettingsSpec } from './setting.ts'

/** One owner's settings: the runtime's, or a domain's. */
export interface SettingsGroup {
  owner: string
  settings: SettingsSpec
  /** Checks across the group's values; returns the problem, naming its variable. */
  check?: (
    values: Readonly<Record<string, unknown>>,
    isSet: (key: string) => boolean,
  ) => { env: string; message: string } | undefined
}

export interface GeneratedValue {
  env: string
  value: string
  secret: boolean
}

export interface LoadedSettings {
  /** Each owner's values, by the keys it declared them under. */
  values: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  /** Settings whose value was generated for this run (announced at start). */
  generated: readonly GeneratedValue[]
}

export type Env = Readonly<Record<string, string | undefined>>

/** Every distinct declaration of the groups by variable name; throws when two differ. */
export function mergeDeclarations(groups: readonly SettingsGroup[]): Map<string, Setting> {
  const byEnv = new Map<string, { setting: Setting; owner: string }>()
  for (const { owner, settings } of groups) {
    for (const s of Object.values(settings)) {
      const earlier = byEnv.get(s.env)
      if (earlier && earlier.setting !== s)
        throw new ConfigError(
          `${s.env} is declared by both ${earlier.owner} and ${owner}, differently: share one declaration`,
        )
      if (!earlier) byEnv.set(s.env, { setting: s, owner })
    }
  }
  return new Map([...byEnv].map(([env, { setting }]) => [env, setting]))
}

export function loadSettings(groups: readonly SettingsGroup[], env: Env): LoadedSettings {
  const declarations = mergeDeclarations(groups)
  const problems: string[] = []
  const parsed = new Map<string, unknown>()
  const generated: GeneratedValue[] = []
  for (const [name, s] of declarations) {
    const raw = env[name]
    if (raw === undefined || raw === '') {
      const value = typeof s.fallback === 'function' ? (s.fallback as () => unknown)() : s.fallback
      if (s.generated) generated.push({ env: name, value: String(value), secret: s.secret })
      parsed.set(name, value)
      continue
    }
    const result = s.schema.safeParse(raw)
    if (result.success) parsed.set(name, result.data)
    else problems.push(`${name}: ${result.error.issues.map((i) => i.message).join('; ')}`)
  }
  const values = new Map<string, Record<string, unknown>>()
  for (const { owner, settings, check } of groups) {
    const own = Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, parsed.get(s.env)]))
    values.set(owner, own)
    if (problems.length === 0 && check) {
      const isSet = (key: string) => {
        const name = settings[key]?.env
        return name !== undefined && env[name] !== undefined && env[name] !== ''
      }
      const problem = check(own, isSet)
      if (problem) problems.push(`${problem.env}: ${problem.message}`)
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`)
  }
  return { values, generated }
}
