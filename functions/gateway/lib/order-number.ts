/** The short order number a customer reads out at the counter: the id's first 8 hex digits. */
export function orderNumber(orderId: string): string {
  const compact = orderId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()
  return compact.slice(0, 8) || orderId
}
