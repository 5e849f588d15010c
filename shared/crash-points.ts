/**
 * The domains' named crash points (see runtime/faults/crash-point.ts): each sits between a write
 * and the step after it, where a process dying must lose and double nothing.
 */
import { crashPoint, RUNTIME_CRASH_POINTS } from '../runtime/faults/crash-point.ts'

export const DOMAIN_CRASH_POINTS = [
  /** create-order reserved the stock and has not stored the order (with order.created) yet. */
  'orders.placing.after-reserve',
  /** payments opened the order's checkout session and has not recorded its link yet. */
  'payments.checkout.before-link',
  /** payments refunded a late payment at the provider and has not published order.refunded. */
  'payments.refund.before-publish',
] as const

/** Every crash point, the runtime's and the domains'. */
export const CRASH_POINTS = [...RUNTIME_CRASH_POINTS, ...DOMAIN_CRASH_POINTS] as const
export type CrashPoint = (typeof CRASH_POINTS)[number]

/** Dies here when OMS_CRASH_AT names this point (inert otherwise). */
export const crashAt = (name: (typeof DOMAIN_CRASH_POINTS)[number]): void => crashPoint(name)
