/**
 * For tests: tracers whose finished spans are kept in memory, and the context manager and W3C
 * propagation the runtime installs (telemetry.ts), set up and torn down around a test file.
 */
import { context, propagation, type Tracer } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'

/** A tracer recording into `exporter` (default sampler: parent-based, always on). */
export function recordingTracer(
  exporter = new InMemorySpanExporter(),
  sampler?: Sampler,
): { tracer: Tracer; exporter: InMemorySpanExporter } {
  const provider = new BasicTracerProvider({
    ...(sampler ? { sampler } : {}),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  return { tracer: provider.getTracer('test'), exporter }
}

/** Installs the active-context manager and W3C propagation; returns the teardown. */
export function installTraceContext(): () => void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  return () => {
    context.disable()
    propagation.disable()
  }
}
