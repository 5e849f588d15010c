/**
 * Who makes a gRPC call: the calling function's domain, and, when it acts for an
 * admin-authenticated user, that it does (the front door says so when it calls an admin method).
 * Between processes it travels in the call's metadata with the internal credential; in process
 * the runtime knows it.
 */
export interface Caller {
  domain: string
  onBehalfOf?: 'admin'
}

/** What a client call may say about itself. */
export interface CallOptions {
  /** The call is made for a user the caller authenticated as admin. */
  onBehalfOf?: 'admin'
}

export const CALLER_KEY = 'x-oms-caller'
export const ON_BEHALF_KEY = 'x-oms-on-behalf-of'
