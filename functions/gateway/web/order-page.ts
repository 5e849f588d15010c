/** Entry of the order page (bundled by esbuild): follows one order live. */
import { adoptCustomerId } from './lib/customer.ts'
import { startOrderTracker } from './views/order-tracker.ts'

const { customerId, orderId } = document.body.dataset
if (customerId && orderId) {
  adoptCustomerId(customerId)
  startOrderTracker(customerId, orderId)
}
