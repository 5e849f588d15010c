/**
 * The gateway domain: the one public entry point — the storefront, the order pages and the
 * public HTTP API over the other domains' gRPC services, and the forwards to payments.
 */
import { ADMIN_TOKEN } from '../../runtime/config/runtime-settings.ts'
import { domain } from '../../runtime/model/domain.ts'
import { menuService, orderService, stockService } from '../../shared/services.ts'

export const gateway = domain('gateway', {
  settings: { adminToken: ADMIN_TOKEN },
  clients: { orders: orderService, stock: stockService, menu: menuService },
  // The storefront's client code, bundled at build time (web-assets.ts loads it lazily).
  embed: async () => (await import('./lib/web-assets.ts')).bundleAll(),
})
