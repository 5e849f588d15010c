/**
 * 7. Memory: resident set size (VmRSS) of each domain process, the six bundles running as
 * their containers do (test/servers/processes.ts) on RabbitMQ — idle after start, then the
 * peak under load: autocannon placing orders through the gateway while a few customers
 * each order, wait for the payment link, and pay on the local checkout, so the webhook,
 * the order.paid consumers and the kitchen work too.
 */
import { load, median } from './lib/load.ts'
import { ORDER_BODY, ordersUrl, stockUp } from './lib/orders.ts'
import { sampleRss } from './lib/proc.ts'
import { type Benchmark, n0, type Row } from './lib/report.ts'
import { startSixProcesses } from './lib/six-processes.ts'

const CONNECTIONS = 50
/** Customers paying their orders at the same time, one order after another. */
const PAYERS = 4
const MIB = 1024 * 1024

/** Orders, waits for the payment link and pays, until `until`; returns how many were paid. */
async function payer(url: string, customer: string, until: number): Promise<number> {
  let paid = 0
  while (Date.now() < until) {
    const created = await fetch(ordersUrl(url, customer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ORDER_BODY,
    })
    if (created.status !== 201) throw new Error(`placing an order: ${created.status}`)
    const { order } = (await created.json()) as { order: { id: string } }
    let link = ''
    while (!link) {
      const res = await fetch(`${ordersUrl(url, customer)}/${order.id}`)
      link =
        ((await res.json()) as { order: { paymentLink: string | null } }).order.paymentLink ?? ''
      if (!link) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const pay = await fetch(`${url}${new URL(link).pathname}/pay`, {
      method: 'POST',
      redirect: 'manual',
    })
    if (pay.status !== 303) throw new Error(`paying ${order.id}: ${pay.status}`)
    paid++
  }
  return paid
}

export const memoryBench: Benchmark = {
  name: 'memory',
  title: 'RSS of each domain process, idle and under load',
  async run({ quick }) {
    const durationS = quick ? 3 : 15
    const system = await startSixProcesses({ KITCHEN_COOK_MS: '20' })
    try {
      const pids = Object.fromEntries(
        [...system.processes].map(([domain, p]) => [domain, p.child.pid as number]),
      )
      await stockUp(system.url)
      const idle = await sampleRss(pids).stop()
      await new Promise((resolve) => setTimeout(resolve, quick ? 500 : 2000))
      const idleLater = await sampleRss(pids).stop()
      const sampler = sampleRss(pids)
      const until = Date.now() + durationS * 1000
      const [orders, ...paid] = await Promise.all([
        load({
          url: ordersUrl(system.url),
          method: 'POST',
          body: ORDER_BODY,
          connections: CONNECTIONS,
          durationS,
        }),
        ...Array.from({ length: PAYERS }, (_, i) => payer(system.url, `payer${i}`, until)),
      ])
      const underLoad = await sampler.stop()
      const rows: Row[] = Object.keys(pids).map((domain) => {
        const idleMiB = median([...(idle[domain] ?? []), ...(idleLater[domain] ?? [])]) / MIB
        const peakMiB = Math.max(...(underLoad[domain] ?? [])) / MIB
        return {
          id: 7,
          what: `RSS ${domain} (idle; peak under load)`,
          value: `${n0(idleMiB)} MiB; ${n0(peakMiB)} MiB`,
        }
      })
      const paidTotal = paid.reduce((sum, p) => sum + p, 0)
      const first = rows[0]
      if (first)
        first.note = `six bundles on RabbitMQ; load: ${n0(orders.rps)} orders/s through the gateway for ${durationS} s, and ${PAYERS} customers ordering and paying (${n0(paidTotal)} paid)`
      return {
        rows,
        details: {
          durationS,
          connections: CONNECTIONS,
          payers: PAYERS,
          ordersPerSec: orders.rps,
          ordersFailed: orders.non2xx + orders.errors,
          paid: paidTotal,
          rssBytes: { idle, idleLater, underLoad },
        },
      }
    } finally {
      await system.stop()
    }
  },
}
