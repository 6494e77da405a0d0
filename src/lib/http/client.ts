import axios, { AxiosInstance, Method } from "axios"
import { IntegrationError } from "../errors"
import { currentSyncContext } from "../sync/context"
import { classifyHttpError } from "./classify"
import { RateLimiter } from "./rate-limit"
import { redact, redactString } from "./redact"

/** One row of the integration log, as the HTTP layer reports it. */
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
}

export type CallLogSink = (entry: CallLogEntry) => Promise<void>

export type HttpClientConfig = {
  connectionId: string
  baseURL: string
  timeoutMs: number
  rateLimit?: { requests: number; perSeconds: number }
  /** Literal secret values (passwords, tokens) scrubbed from anything logged. */
  secrets: string[]
  log: CallLogSink
  /** Where log-sink failures go; logging must never break a sync. */
  onLogError?: (err: unknown) => void
}

export type HttpRequest = {
  method: Method
  url: string
  /** Our name for the call, e.g. "sale.sale.create"; shown in logs and errors. */
  operation: string
  data?: unknown
  headers?: Record<string, string>
  /** Omit the request body from the log entirely (login calls). */
  sensitive?: boolean
}

export type HttpResponse<T> = { status: number; data: T; headers: Record<string, unknown> }

/**
 * The HTTP layer every adapter talks through: per-connection timeout and rate limit, failure
 * classification (retryable vs permanent) and one redacted log row per call.
 * Adapters pass a `describeError` to turn a 2xx body that carries a vendor error into an IntegrationError.
 */
export class HttpClient {
  private readonly axios: AxiosInstance
  private readonly limiter?: RateLimiter

  constructor(private readonly config: HttpClientConfig) {
    this.axios = axios.create({
      baseURL: config.baseURL,
      timeout: config.timeoutMs,
      // Status handling is ours: every non-2xx is classified in one place.
      validateStatus: (s) => s >= 200 && s < 300,
      maxRedirects: 0,
    })
    if (config.rateLimit) this.limiter = new RateLimiter(config.rateLimit.requests, config.rateLimit.perSeconds)
  }

  get connectionId(): string {
    return this.config.connectionId
  }

  async request<T>(
    req: HttpRequest,
    inspect?: (data: T) => { error?: IntegrationError; externalId?: string | null }
  ): Promise<HttpResponse<T>> {
    await this.limiter?.acquire()
    const started = Date.now()
    const ctx = currentSyncContext()
    const base = {
      connection_id: this.config.connectionId,
      direction: "out" as const,
      operation: req.operation,
      sync_record_id: ctx.syncRecordId ?? null,
      entity_type: ctx.entityType ?? null,
      entity_id: ctx.entityId ?? null,
      attempt: ctx.attempt ?? null,
      request: req.sensitive ? "[omitted: sensitive call]" : redact(req.data, this.config.secrets),
    }
    try {
      const res = await this.axios.request<T>({ method: req.method, url: req.url, data: req.data, headers: req.headers })
      const verdict = inspect?.(res.data) ?? {}
      await this.writeLog({
        ...base,
        status: verdict.error ? "error" : "success",
        http_status: res.status,
        duration_ms: Date.now() - started,
        external_id: verdict.externalId ?? null,
        response: req.sensitive ? "[omitted: sensitive call]" : redact(res.data, this.config.secrets),
        error: verdict.error ? redactString(verdict.error.message, this.config.secrets) : null,
      })
      if (verdict.error) throw verdict.error
      return { status: res.status, data: res.data, headers: res.headers as Record<string, unknown> }
    } catch (err) {
      if (err instanceof IntegrationError) throw err
      const failure = classifyHttpError(err, this.config.connectionId, req.operation, this.config.timeoutMs)
      const response = axios.isAxiosError(err) ? err.response?.data : undefined
      await this.writeLog({
        ...base,
        status: "error",
        http_status: failure.httpStatus ?? null,
        duration_ms: Date.now() - started,
        external_id: null,
        response: response === undefined ? null : redact(response, this.config.secrets),
        error: redactString(failure.message, this.config.secrets),
      })
      throw failure
    }
  }

  private async writeLog(entry: CallLogEntry): Promise<void> {
    try {
      await this.config.log(entry)
    } catch (err) {
      this.config.onLogError?.(err)
    }
  }
}
