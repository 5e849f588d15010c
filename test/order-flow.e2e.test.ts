/** The order flow on the embedded adapters (no infrastructure). */
import { orderFlowSuite } from './order-flow.suite.ts'

orderFlowSuite('embedded', () => ({}))
