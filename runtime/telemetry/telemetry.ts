/**
 * OpenTelemetry for the process, started before any function is hosted: the AsyncLocalStorage
 * context manager and W3C propagation (trace context and baggage), set up directly rather than
 * through the Node SDK, which would load metrics, logs, every exporter and its configuration
 * into every bundle. Each domain hosted here gets its own tracer provider, so spans carry
 * `service.name` = their domain even when `oms dev` hosts every domain in one process.
 *
 * Spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard
 * OTEL_EXPORTER_OTLP_* variables are honoured, OTEL_EXPORTER_OTLP_PROTOCOL = http/protobuf
 * (default) or http/json); the exporter is imported only then. Exporting, the sampler and the
 * batch processor follow the configuration (OTEL_TRACES_SAMPLER / _ARG, OTEL_BSP_MAX_QUEUE_SIZE,
 * OTEL_BSP_SCHEDULE_DELAY, read in config.ts). Not exporting, spans are not recorded, but trace
 * ids still flow through every hop and into the logs — unless the local dashboard asks for the
 * recent spans (OMS_DASHBOARD): then they are recorded (by the same sampler) and the last ones
 * kept in memory (span-ring.ts). OTEL_SDK_DISABLED turns all of it off.
 */
import { context, propagation, type Tracer, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type BufferConfig,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import type { TracesSampler } from '../config/runtime-settings.ts'
import { SpanRing } from './span-ring.ts'
import { setNeverRecorded, setTracingDisabled, setUnsampledStaysUnrecorded } from './spans.ts'

/** Instrumentation scope of every span the runtime makes. */
export const SCOPE = 'oms-runtime'

export interface Telemetry {
  /** The tracer whose spans belong to `domain` (service.name). */
  tracer(domain: string): Tracer
  /** Sends what is buffered (on shutdown). */
  flush(): Promise<void>
  /** The recent finished spans, when they are kept (`keepSpans`). */
  readonly spans?: SpanRing
}

export interface TelemetryOptions {
  /** Export spans (OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  exporting: boolean
  /** OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or http/json. */
  protocol?: string
  /**
   * OTEL_SDK_DISABLED=true: no context manager (so no async-hooks cost on every callback and
   * promise), no propagation, no-op tracers.
   */
  disabled?: boolean
  /** OTEL_TRACES_SAMPLER and its ratio, used when exporting (default parentbased_always_on). */
  sampler?: { name: TracesSampler; ratio: number }
  /** The span batch processor's queue size and delay (defaults 65,536 spans, 500 ms). */
  spanBatch?: { maxQueueSize: number; scheduledDelayMs: number }
  /** Record spans even when not exporting and keep this many recent ones in memory (the dashboard). */
  keepSpans?: number
}

const DEFAULT_BATCH = { maxQueueSize: 65_536, scheduledDelayMs: 500 }

/** The sampler OTEL_TRACES_SAMPLER names, built from the SDK's samplers. */
function samplerFor({ name, ratio }: { name: TracesSampler; ratio: number }): Sampler {
  const root = name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(ratio)
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root
}

let current: Promise<Telemetry> | undefined

/** The exporter's module is loaded only when exporting (it is most of the SDK's weight). */
async function exporter(protocol: string | undefined): Promise<SpanExporter> {
  // Bundled by esbuild, a CommonJS package's exports may sit on `default`.
  type Module = { OTLPTraceExporter: new () => SpanExporter }
  const pick = (m: Module & { default?: Module }) =>
    m.OTLPTraceExporter ?? m.default?.OTLPTraceExporter
  const Exporter =
    protocol === 'http/json'
      ? pick(await import('@opentelemetry/exporter-trace-otlp-http'))
      : pick(await import('@opentelemetry/exporter-trace-otlp-proto'))
  return new Exporter()
}

async function start(options: TelemetryOptions): Promise<Telemetry> {
  if (options.disabled) {
    setTracingDisabled(true)
    return { tracer: () => trace.getTracer(SCOPE), flush: async () => {} }
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  )
  const spanExporter = options.exporting ? await exporter(options.protocol) : undefined
  const ring = options.keepSpans ? new SpanRing(options.keepSpans) : undefined
  // Not exporting (nor keeping spans), spans still get ids (context propagates, logs carry trace
  // ids) but are not recorded, which keeps their cost down.
  const recording = Boolean(spanExporter || ring)
  const chosen = options.sampler ?? { name: 'parentbased_always_on', ratio: 1 }
  const sampler = recording ? samplerFor(chosen) : new AlwaysOffSampler()
  // Children of an unsampled span are never recorded unless a sampler ignores the parent.
  setNeverRecorded(!recording)
  setUnsampledStaysUnrecorded(
    !recording || chosen.name.startsWith('parentbased_') || chosen.name === 'always_off',
  )
  const { maxQueueSize, scheduledDelayMs } = options.spanBatch ?? DEFAULT_BATCH
  const batch: BufferConfig = { maxQueueSize, scheduledDelayMillis: scheduledDelayMs }
  const providers = new Map<string, BasicTracerProvider>()
  return {
    ...(ring && { spans: ring }),
    tracer(domain) {
      let provider = providers.get(domain)
      if (!provider) {
        provider = new BasicTracerProvider({
          resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: domain }),
          sampler,
          spanProcessors: [
            ...(spanExporter ? [new BatchSpanProcessor(spanExporter, batch)] : []),
            ...(ring ? [ring] : []),
          ],
        })
        providers.set(domain, provider)
      }
      return provider.getTracer(SCOPE)
    },
    async flush() {
      await Promise.allSettled([...providers.values()].map((p) => p.forceFlush()))
    },
  }
}

/** Starts telemetry once per process; later calls return the same telemetry. */
export function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  current ??= start(options)
  return current
}

/** The active span's ids, for log lines. */
export function activeIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan()
  if (!span) return undefined
  const { traceId, spanId, traceFlags } = span.spanContext()
  return traceFlags === undefined || traceId === '00000000000000000000000000000000'
    ? undefined
    : { trace_id: traceId, span_id: spanId }
}
