/**
 * The process `oms dev` runs its functions in. It creates the store, bus and registry once
 * and keeps them; each build of the functions (a generation, see dev-build.ts) is imported
 * when the parent sends it and runs on a runtime of its own, which replaces the previous one
 * once the parent says the build is good. So a reload keeps every order, queued message and
 * parked message, and takes as long as stopping and starting the bindings. A generation that
 * fails to import or to start is reported, and the previous one serves on.
 */
import { pathToFileURL } from 'node:url'
import { type Adapters, createAdapters } from '../../adapters/create-adapters.ts'
import { checked } from '../../catalog.ts'
import { loadConfig } from '../../config/load-configuration.ts'
import { createRuntime, type Runtime } from '../../host.ts'
import { processLogger } from '../../log.ts'
import { isFunctionDef, type LoadedFunction } from '../../model/define.ts'
import { formatBanner } from '../banner.ts'
import { STOP_TIMEOUT_MS, shutdownRequested, stopWithin } from '../shutdown.ts'
import type { HostMessage, ParentMessage } from './dev-protocol.ts'

const send = (message: HostMessage) => process.send?.(message)
const messageOf = (err: unknown) =>
  err instanceof Error ? (err.stack ?? err.message) : String(err)

async function importGeneration(file: string): Promise<LoadedFunction[]> {
  const mod = (await import(pathToFileURL(file).href)) as { functions?: unknown }
  if (!Array.isArray(mod.functions)) throw new Error(`${file} exports no functions`)
  const functions: LoadedFunction[] = []
  for (const fn of mod.functions as { name: string; domain: string; def: unknown }[])
    if (isFunctionDef(fn.def)) functions.push(checked({ ...fn, def: fn.def }))
  if (functions.length === 0) throw new Error('no file under functions/ exports a function yet')
  return functions
}

async function main(): Promise<void> {
  const stopAsked = shutdownRequested()
  const config = loadConfig()
  // Pretty on a terminal, like the runtimes' lines (LOG_FORMAT forces either).
  const log = await processLogger(config.logLevel, config.logFormat)
  let adapters: Adapters | undefined
  const loaded = new Map<number, LoadedFunction[]>()
  let live: { gen: number; functions: LoadedFunction[]; runtime: Runtime } | undefined
  // A function, as `live` changes inside the awaited calls.
  const liveGen = () => live?.gen

  const run = async (gen: number, functions: LoadedFunction[], banner = false) => {
    adapters ??= await createAdapters(config, log, { store: true })
    const runtime = await createRuntime({ functions, adapters })
    try {
      await runtime.start()
    } catch (err) {
      await runtime.stop().catch(() => {})
      throw err
    }
    live = { gen, functions, runtime }
    if (banner) process.stderr.write(formatBanner(runtime))
  }

  const activate = async (gen: number, banner?: boolean) => {
    const functions = loaded.get(gen)
    if (!functions) return send({ type: 'failed', gen, error: `generation ${gen} is not loaded` })
    const started = performance.now()
    const previous = live
    if (previous) await previous.runtime.stop()
    live = undefined
    try {
      await run(gen, functions, banner)
      for (const old of loaded.keys()) if (old < gen) loaded.delete(old)
      send({ type: 'live', gen, ms: Math.round(performance.now() - started) })
    } catch (err) {
      loaded.delete(gen)
      const error = messageOf(err)
      // The previous generation serves again, on the same store and bus.
      if (previous) await run(previous.gen, previous.functions).catch(() => {})
      send({ type: 'failed', gen, error, restored: liveGen() })
    }
  }

  // One message at a time, in order: a load finishes before the activation that follows it.
  let queue = Promise.resolve()
  process.on('message', (message: ParentMessage) => {
    queue = queue.then(async () => {
      if (message.type === 'load') {
        try {
          loaded.set(message.gen, await importGeneration(message.file))
          send({ type: 'loaded', gen: message.gen })
        } catch (err) {
          send({ type: 'failed', gen: message.gen, error: messageOf(err), restored: liveGen() })
        }
      } else if (message.type === 'activate') {
        await activate(message.gen, message.banner)
      } else if (message.type === 'discard') {
        loaded.delete(message.gen)
      }
    })
  })
  send({ type: 'ready' })

  const reason = await stopAsked
  await queue
  const stopped = await stopWithin(async () => {
    await live?.runtime.stop()
    if (adapters) {
      await Promise.allSettled([adapters.bus.close(), adapters.registry.close()])
      await adapters.store.close()
    }
  })
  if (!stopped)
    process.stderr.write(`oms: did not stop within ${STOP_TIMEOUT_MS / 1000}s (${reason})\n`)
  process.exit(stopped ? 0 : 1)
}

await main()
