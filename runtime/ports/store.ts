/**
 * The store port: one repository per domain. Every operation that guards an invariant
 * (no oversell, no backwards status move, once-only effects) is a single atomic call, so an
 * adapter can implement it with one conditional write.
 */
import type { MenuItem, Order, StockLevel } from '../../proto/gen/oms.ts'

export interface MenuRepo {
  list(): Promise<MenuItem[]>
  get(id: string): Promise<MenuItem | undefined>
  upsert(item: MenuItem): Promise<{ item: MenuItem; created: boolean }>
  /** Returns false when there was no such item. */
  delete(id: string): Promise<boolean>
}

export interface ReservationLine {
  itemId: string
  quantity: number
}

export interface Shortage {
  itemId: string
  requested: number
  available: number
}

export type ReserveResult =
  | { ok: true; levels: StockLevel[] }
  | { ok: false; shortages: Shortage[] }

export interface StockRepo {
  /** Levels of the given items (all known items when ids is omitted); unknown ids are left out. */
  levels(itemIds?: readonly string[]): Promise<StockLevel[]>
  /** Sets units on hand; fails with INVALID_REQUEST below what open reservations hold. */
  setOnHand(itemId: string, onHand: number): Promise<StockLevel>
  /** Reserves every line (one per item) or none; repeating it for the same order changes nothing. */
  reserve(orderId: string, lines: readonly ReservationLine[]): Promise<ReserveResult>
  /** Turns an open reservation into a sale (on hand goes down). False when none is open. */
  commit(orderId: string): Promise<boolean>
  /** Gives an open reservation back. False when none is open. */
  release(orderId: string): Promise<boolean>
}

export interface OrderListOptions {
  limit?: number
}

export interface OrderPatch {
  status?: string
  paymentLink?: string
  updatedAt: string
}

export interface OrderRepo {
  /** Inserts a new order; false when the id already exists. */
  insert(order: Order): Promise<boolean>
  get(id: string): Promise<Order | undefined>
  /** The customer's orders, newest first. */
  listByCustomer(customerId: string, options?: OrderListOptions): Promise<Order[]>
  /**
   * Applies the patch only while the order's status is one of `whenStatus` (any status when
   * omitted). Returns the updated order, or undefined when the order is missing or the
   * condition failed.
   */
  update(id: string, patch: OrderPatch, whenStatus?: readonly string[]): Promise<Order | undefined>
}

export interface ProcessedEvents {
  /** Whether `scope` has recorded `eventId` as handled. */
  has(scope: string, eventId: string): Promise<boolean>
  /** Records that `scope` handled `eventId`; true the first time only. */
  markOnce(scope: string, eventId: string): Promise<boolean>
  /** Forgets a mark, so a failed effect can be tried again. */
  unmark(scope: string, eventId: string): Promise<void>
}

export interface Job {
  queue: string
  id: string
  payload: string
  attempts: number
  lastError?: string
}

export interface JobRepo {
  /** Adds a job once per (queue, id); false when it was already there. */
  enqueue(queue: string, id: string, payload: string): Promise<boolean>
  /** Leases up to `limit` due jobs to `owner` (queued ones, or ones whose lease expired). */
  claim(queue: string, owner: string, limit: number, leaseMs: number): Promise<Job[]>
  /** Extends leases still held by `owner`. */
  renew(queue: string, owner: string, ids: readonly string[], leaseMs: number): Promise<void>
  complete(queue: string, id: string, owner: string): Promise<void>
  /** Gives the job back to run again no earlier than `delayMs` from now. */
  retry(queue: string, id: string, owner: string, delayMs: number, error: string): Promise<void>
  /** Gives every lease held by `owner` back at once (graceful shutdown). */
  releaseOwner(queue: string, owner: string): Promise<void>
  /** Counts of jobs by state, for health and the CLI. */
  counts(queue: string): Promise<{ queued: number; running: number }>
}

export interface Store {
  readonly kind: string
  readonly menu: MenuRepo
  readonly stock: StockRepo
  readonly orders: OrderRepo
  readonly processed: ProcessedEvents
  readonly jobs: JobRepo
  ping(): Promise<void>
  close(): Promise<void>
}
