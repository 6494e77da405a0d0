import { IntegrationError } from "../errors"
import { currentSyncContext } from "../run-context"
import type { ConnectionGuard } from "./guard"
import { redact, redactString } from "./redact"

/** One row of the integration log, as a provider call reports it. */
export type CallLogEntry = {
  connection_id: string
  direction: "in" | "out"
  operation: string
  status: "success" | "error"
  http_status: number | null
  duration_ms: number
  sync_record_id: string | null
  entity_type: string | null
  entity_id: string | null
  external_id: string | null
  attempt: number | null
  request: unknown
  response: unknown
  error: string | null
  /** The workflow step that made the call, and whether it was undoing that step. */
  step?: string | null
  compensation?: boolean
}

export type CallLogSink = (entry: CallLogEntry) => Promise<void>

export type CallRecorderConfig = {
  connectionId: string
  /** Literal secret values (passwords, tokens) scrubbed from anything logged. */
  secrets: string[]
  log: CallLogSink
  /** Where log-sink failures go; logging must never break a sync. */
  onLogError?: (err: unknown) => void
  /** The connection's rate limit, circuit breaker and in-place retries, for `run`. */
  guard?: ConnectionGuard
}

export type CallOutcome = {
  status: "success" | "error"
  httpStatus?: number | null
  response?: unknown
  externalId?: string | null
  error?: string | null
}

const OMITTED = "[omitted: sensitive call]"

/**
 * Writes one redacted integration_log row per external call, stamped with the sync it serves.
 * Used by the HTTP layer and by in-process providers alike, so every call looks the same in the log.
 */
export class CallRecorder {
  constructor(private readonly config: CallRecorderConfig) {}

  get connectionId(): string {
    return this.config.connectionId
  }

  /** Starts timing a call; the returned function writes its row. */
  begin(operation: string, request: unknown, sensitive = false): (outcome: CallOutcome) => Promise<void> {
    const started = Date.now()
    const ctx = currentSyncContext()
    const { connectionId, secrets } = this.config
    return (outcome) =>
      this.write({
        connection_id: connectionId,
        direction: "out",
        operation,
        sync_record_id: ctx.syncRecordId ?? null,
        step: ctx.step ?? null,
        compensation: ctx.compensation === true,
        entity_type: ctx.entityType ?? null,
        entity_id: ctx.entityId ?? null,
        attempt: ctx.attempt ?? null,
        request: sensitive ? OMITTED : redact(request, secrets),
        status: outcome.status,
        http_status: outcome.httpStatus ?? null,
        duration_ms: Date.now() - started,
        external_id: outcome.externalId ?? null,
        response: sensitive ? OMITTED : outcome.response === undefined ? null : redact(outcome.response, secrets),
        error: outcome.error ? redactString(outcome.error, secrets) : null,
      })
  }

  /**
   * Runs an in-process call through the connection's guard and logs each try; an IntegrationError it throws is
   * logged and rethrown as is. `safe` as for HTTP requests: only then is it repeated in place.
   */
  run<T>(
    operation: string,
    request: unknown,
    fn: () => Promise<T>,
    externalId?: (result: T) => string | null,
    opts: { safe?: boolean } = {}
  ): Promise<T> {
    const once = () => this.once(operation, request, fn, externalId)
    return this.config.guard ? this.config.guard.call(once, { safe: opts.safe === true }) : once()
  }

  private async once<T>(operation: string, request: unknown, fn: () => Promise<T>, externalId?: (result: T) => string | null): Promise<T> {
    const finish = this.begin(operation, request)
    try {
      const result = await fn()
      await finish({ status: "success", response: result, externalId: externalId?.(result) ?? null })
      return result
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      await this.config.guard?.noteRateLimit(err)
      await finish({ status: "error", httpStatus: err instanceof IntegrationError ? err.httpStatus : null, error: message })
      throw err
    }
  }

  private async write(entry: CallLogEntry): Promise<void> {
    try {
      await this.config.log(entry)
    } catch (err) {
      this.config.onLogError?.(err)
    }
  }
}
