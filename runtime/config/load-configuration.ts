/**
 * The configuration of a process: the runtime's settings and those of every domain it hosts,
 * merged and validated at once (see load-settings.ts). Each domain's functions get only their
 * own domain's values.
 */
import type { AnyDomain } from '../model/domain.ts'
import {
  type Env,
  type GeneratedValue,
  loadSettings,
  mergeDeclarations,
  type SettingsGroup,
} from './load-settings.ts'
import { RUNTIME_SETTINGS, type RuntimeConfig, runtimeConfigOf } from './runtime-settings.ts'
import type { Setting, SettingsOf } from './setting.ts'

export interface Configuration {
  runtime: RuntimeConfig
  /** Each hosted domain's settings values, by domain name. */
  domains: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  /** Values generated for this run (e.g. a webhook secret), to announce at start. */
  generated: readonly GeneratedValue[]
}

/** Checks across the runtime's own values: mutual TLS needs its three files. */
function checkRuntime(_values: unknown, isSet: (key: string) => boolean) {
  const tls = ['tlsCa', 'tlsCert', 'tlsKey'] as const
  const set = tls.filter((k) => isSet(k))
  if (set.length === 0 || set.length === tls.length) return undefined
  const env = { tlsCa: 'OMS_TLS_CA', tlsCert: 'OMS_TLS_CERT', tlsKey: 'OMS_TLS_KEY' }
  const missing = tls.find((k) => !isSet(k)) as (typeof tls)[number]
  return {
    env: env[missing],
    message: 'mutual TLS needs OMS_TLS_CA, OMS_TLS_CERT and OMS_TLS_KEY together',
  }
}

/** The owner name of the runtime's own settings. */
export const RUNTIME_OWNER = 'runtime'

export function settingsGroups(domains: readonly AnyDomain[]): SettingsGroup[] {
  return [
    { owner: RUNTIME_OWNER, settings: RUNTIME_SETTINGS, check: checkRuntime },
    ...domains.map((d) => ({
      owner: d.name,
      settings: d.spec.settings ?? {},
      ...(d.spec.checkSettings && {
        check: d.spec.checkSettings as SettingsGroup['check'],
      }),
    })),
  ]
}

/** Reads and validates the settings of the runtime and of `domains`; throws ConfigError naming each bad variable. */
export function loadConfiguration(
  domains: readonly AnyDomain[],
  env: Env = process.env,
): Configuration {
  const loaded = loadSettings(settingsGroups(domains), env)
  const runtime = runtimeConfigOf(
    loaded.values.get(RUNTIME_OWNER) as SettingsOf<typeof RUNTIME_SETTINGS>,
  )
  const values = new Map(loaded.values)
  values.delete(RUNTIME_OWNER)
  return { runtime, domains: values, generated: loaded.generated }
}

/** The runtime's settings alone (commands that host no function, e.g. `oms dlq`). */
export function loadConfig(env: Env = process.env): RuntimeConfig {
  return loadConfiguration([], env).runtime
}

/** Every variable the runtime and `domains` read, with who reads it (for docs and `oms config`). */
export function describeSettings(
  domains: readonly AnyDomain[],
): { setting: Setting; owners: string[] }[] {
  const groups = settingsGroups(domains)
  const merged = mergeDeclarations(groups)
  return [...merged.values()].map((setting) => ({
    setting,
    owners: groups.filter((g) => Object.values(g.settings).includes(setting)).map((g) => g.owner),
  }))
}
