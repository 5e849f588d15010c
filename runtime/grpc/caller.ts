/**
 * Who makes a gRPC call: the calling function's domain, and, when it acts for a user it
 * authenticated (as admin or staff), that it does (the front door says so when it calls such a
 * method).
 * Between processes it travels in the call's metadata with the internal credential; in process
 * the runtime knows it.
 */
export interface Caller {
  domain: string
  onBehalfOf?: UserRole
}

/**
 * Whom a front door authenticated a user as: `admin` (everything a user may do) or `staff`
 * (the day-to-day work; an admin may do it too).
 */
export type UserRole = 'admin' | 'staff'

export const isUserRole = (value: unknown): value is UserRole =>
  value === 'admin' || value === 'staff'

/** Whether the call is made for a user signed in as staff or admin. */
export const forStaff = (caller: Caller): boolean =>
  caller.onBehalfOf === 'staff' || caller.onBehalfOf === 'admin'

/** What a client call may say about itself. */
export interface CallOptions {
  /** The call is made for a user the caller authenticated as admin or staff. */
  onBehalfOf?: UserRole
}

export const CALLER_KEY = 'x-oms-caller'
export const ON_BEHALF_KEY = 'x-oms-on-behalf-of'
