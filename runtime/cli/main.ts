/**
 * The `oms` command line: hosts, lists, invokes and operates the functions. This module and
 * each command's registration are the CLI's shell, which bin/oms.js runs prebuilt: they import
 * only commander and light helpers at their top, and each command loads the runtime (through
 * the TypeScript loader) only when it runs, so `oms --help` and `oms ls` answer at once.
 */
import { Command, type CommanderError } from 'commander'
import { registerBuild } from './commands/build.ts'
import { registerCerts } from './commands/certs.ts'
import { registerConfig } from './commands/config.ts'
import { registerDeploy } from './commands/deploy.ts'
import { registerDev } from './commands/dev.ts'
import { registerDlq } from './commands/dlq.ts'
import { registerEvents } from './commands/events.ts'
import { registerInvoke } from './commands/invoke.ts'
import { registerLs } from './commands/ls.ts'
import { registerPublish } from './commands/publish.ts'
import { registerStart } from './commands/start.ts'
import { EXIT_USAGE, reportError } from './errors.ts'
import { needsNoTypescript, typescriptReady } from './typescript.ts'

/** Builds the program; `exit` receives commander's own exits (help, usage errors). */
export function buildProgram(exit: (code: number) => void = (code) => process.exit(code)): Command {
  const program = new Command('oms')
    .description('Host and operate the order-management functions')
    .option('--verbose', 'print the stack of an unexpected error (also when DEBUG is set)')
    .showHelpAfterError('(run with --help for usage)')
    // Before the commands are added, so they inherit it: usage mistakes exit 2, help exits 0.
    .exitOverride((err: CommanderError) => exit(err.exitCode === 0 ? 0 : EXIT_USAGE))
  // Most commands run the runtime from source: its loader is registered before their action.
  program.hook('preAction', async (_program, action) => {
    if (!needsNoTypescript(action)) await typescriptReady()
  })
  registerDev(program)
  registerStart(program)
  registerLs(program)
  registerInvoke(program)
  registerEvents(program)
  registerPublish(program)
  registerDlq(program)
  registerCerts(program)
  registerBuild(program)
  registerConfig(program)
  registerDeploy(program)
  program.addHelpText(
    'after',
    `
Configuration comes from the environment (PORT, AMQP_URL, MONGODB_URI, CONSUL_HTTP_ADDR,
ADMIN_TOKEN and each domain's own; see oms config); every variable is optional.

Examples:
  $ oms dev                          every function, embedded services, reload on change
  $ oms start <domain> <domain>      host two domains, as one container does
  $ oms ls                           functions and their triggers
  $ oms invoke <domain>.<function>   run one function once (--url: inside a running process)
  $ oms events sample <event>        a valid example of an event, to edit and publish
  $ oms publish <event> --data @e.json   publish one event to the running system
  $ oms config                       every variable, who reads it, its value
  $ oms dlq ls                       parked messages of the running process
  $ oms build                        one esbuild bundle per function and per domain
  $ oms deploy k8s                   Kubernetes manifests: a Deployment per unit, HPA or KEDA`,
  )
  return program
}

/** Exits once stdout has flushed, so piped results are never cut short. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.exit(code))
}

async function main(): Promise<void> {
  let code: number
  const program = buildProgram()
  try {
    await program.parseAsync(process.argv)
    code = typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true
    code = reportError(err, { verbose })
  }
  // Explicit: adapters, timers or an IPC channel may otherwise keep a finished command alive.
  exitAfterFlush(code)
}

await main()
