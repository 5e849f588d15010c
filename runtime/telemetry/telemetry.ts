/**
 * OpenTelemetry for the process, started before any function is hosted. The Node SDK sets up
 * the context manager and W3C trace-context propagation; each domain hosted here gets its own
 * tracer provider, so spans carry `service.name` = their domain even when `oms dev` hosts
 * every domain in one process. Spans are exported over OTLP/HTTP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard OTEL_EXPORTER_OTLP_* variables are honoured,
 * OTEL_EXPORTER_OTLP_PROTOCOL = http/protobuf (default) or http/json); otherwise nothing is
 * exported, but trace ids still flow through every hop and into the logs.
 */
import { type Tracer, trace } from '@opentelemetry/api'
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'

/** Instrumentation scope of every span the runtime makes. */
export const SCOPE = 'oms-runtime'

export interface Telemetry {
  /** The tracer whose spans belong to `domain` (service.name). */
  tracer(domain: string): Tracer
  /** Sends what is buffered (on shutdown). */
  flush(): Promise<void>
}

export interface TelemetryOptions {
  /** Export spans (OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  exporting: boolean
  /** OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or http/json. */
  protocol?: string
}

let sdk: NodeSDK | undefined
let current: Telemetry | undefined

function exporter(protocol: string | undefined): SpanExporter {
  return protocol === 'http/json' ? new OTLPJsonExporter() : new OTLPProtoExporter()
}

/** Starts the SDK once per process; later calls return the same telemetry. */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current
  sdk = new NodeSDK({
    // Spans are made by the per-domain providers below; the SDK provides context and propagation.
    spanProcessors: [],
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'oms' }),
    instrumentations: [],
    autoDetectResources: false,
  })
  sdk.start()
  const providers = new Map<string, NodeTracerProvider>()
  current = {
    tracer(domain) {
      let provider = providers.get(domain)
      if (!provider) {
        provider = new NodeTracerProvider({
          resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: domain }),
          // Nothing is exported: spans still get ids (context propagates, logs carry trace ids)
          // but are not recorded, which keeps their cost down.
          sampler: options.exporting ? new AlwaysOnSampler() : new AlwaysOffSampler(),
          spanProcessors: options.exporting
            ? [new BatchSpanProcessor(exporter(options.protocol), { scheduledDelayMillis: 500 })]
            : [],
        })
        providers.set(domain, provider)
      }
      return provider.getTracer(SCOPE)
    },
    async flush() {
      await Promise.allSettled([...providers.values()].map((p) => p.forceFlush()))
    },
  }
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
