/** The registry port: where each hosted function can be reached. */

export interface Instance {
  /** Unique per process and function. */
  id: string
  /** The function's name, e.g. `billing.create-invoice`. */
  name: string
  host: string
  port: number
  tags: readonly string[]
}

export interface Registry {
  readonly kind: string
  register(instance: Instance): Promise<void>
  deregister(id: string): Promise<void>
  /** Healthy instances of a function, possibly empty. */
  resolve(name: string): Promise<Instance[]>
  close(): Promise<void>
}
