/** The order flow a second time, with every event going through RabbitMQ (AMQP_URL set). */
import { afterAll } from 'vitest'
import { orderFlowSuite } from './order-flow.suite.ts'
import { deleteNamespaces, rabbitAvailable, rabbitEnv, testNamespace } from './servers/rabbitmq.ts'

const namespaces: string[] = []
afterAll(async () => {
  await deleteNamespaces(namespaces)
})

if (await rabbitAvailable()) {
  orderFlowSuite('RabbitMQ', () => {
    const ns = testNamespace()
    namespaces.push(ns)
    return rabbitEnv(ns)
  })
}
