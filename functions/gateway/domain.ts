/**
 * The gateway domain: the one public entry point — the storefront, the order pages, the staff's
 * screens (kitchen display, back office), the public HTTP API over the other domains' gRPC
 * services, and the forwards to payments.
 */
import { domain } from '../../runtime/model/domain.ts'
import { kitchenService, menuService, orderService, stockService } from '../../shared/services.ts'
import { gatewaySettings } from './settings.ts'

export const gateway = domain('gateway', {
  settings: gatewaySettings,
  clients: {
    orders: orderService,
    stock: stockService,
    menu: menuService,
    kitchen: kitchenService,
  },
  // The storefront's client code, bundled at build time (web-assets.ts loads it lazily).
  embed: async () => (await import('./lib/web-assets.ts')).bundleAll(),
})
