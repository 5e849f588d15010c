/** The embedded store against the store port's contract. */
import { memoryStore } from './memory-store.ts'
import { storeContract } from './store-contract.ts'

storeContract('embedded', async () => memoryStore())
