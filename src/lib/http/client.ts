import axios, { AxiosInstance, Method } from "axios"
import { IntegrationError } from "../errors"
import { currentSyncContext } from "../run-context"
import { classifyHttpError, VendorRetryAfter } from "./classify"
import type { CallRecorder } from "./call-recorder"
import type { ConnectionGuard } from "./guard"

export type HttpClientConfig = {
  baseURL: string
  timeoutMs: number
  /**
   * The connection's rate limit, circuit breaker and in-place retries; calls go straight out without one (tests, and
   * reads that must not spend the connection's budget, such as ShipStation's webhook keys).
   */
  guard?: ConnectionGuard
  /** Writes the log row of every call (and knows the connection and the secrets to scrub). */
  recorder: CallRecorder
  /** The vendor's own "come back in" header, for a 429 without Retry-After: the pause of the whole connection. */
  retryAfter?: VendorRetryAfter
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
  /**
   * Safe to repeat: a read, or a write the vendor itself makes idempotent (a state transition that does nothing
   * when already done). Only safe calls are retried in place; any other call goes out once per try of the sync.
   */
  safe?: boolean
}

export type Inspect<T> = (data: T) => { error?: IntegrationError; externalId?: string | null }

export type HttpResponse<T> = { status: number; data: T; headers: Record<string, unknown> }

/**
 * The HTTP layer every adapter talks through: per-connection timeout, the connection's guard (rate limit,
 * circuit breaker, in-place retries of safe calls), failure classification (retryable vs permanent) and one
 * redacted log row per call sent (a repeat is a row of its own).
 * Adapters pass `inspect` to turn a 2xx body that carries a vendor error into an IntegrationError.
 */
export class HttpClient {
  private readonly axios: AxiosInstance

  constructor(private readonly config: HttpClientConfig) {
    this.axios = axios.create({
      baseURL: config.baseURL,
      timeout: config.timeoutMs,
      // Status handling is ours: every non-2xx is classified in one place.
      validateStatus: (s) => s >= 200 && s < 300,
      maxRedirects: 0,
    })
  }

  get connectionId(): string {
    return this.config.recorder.connectionId
  }

  request<T>(req: HttpRequest, inspect?: Inspect<T>): Promise<HttpResponse<T>> {
    const { guard } = this.config
    return guard ? guard.call(() => this.send(req, inspect), { safe: req.safe === true }) : this.send(req, inspect)
  }

  private async send<T>(req: HttpRequest, inspect?: Inspect<T>): Promise<HttpResponse<T>> {
    // Checked at the last moment (after the rate limit's wait): a run fenced out of its record calls no vendor again.
    const { lease, syncRecordId } = currentSyncContext()
    if (lease?.lost) throw leaseLost(this.connectionId, req.operation, syncRecordId)
    const finish = this.config.recorder.begin(req.operation, req.data, req.sensitive)
    try {
      const res = await this.axios.request<T>({ method: req.method, url: req.url, data: req.data, headers: req.headers })
      const verdict = inspect?.(res.data) ?? {}
      await finish({
        status: verdict.error ? "error" : "success",
        httpStatus: res.status,
        externalId: verdict.externalId,
        response: res.data,
        error: verdict.error?.message,
      })
      if (verdict.error) throw verdict.error
      return { status: res.status, data: res.data, headers: res.headers as Record<string, unknown> }
    } catch (err) {
      if (err instanceof IntegrationError) throw err
      const failure = classifyHttpError(err, this.connectionId, req.operation, this.config.timeoutMs, this.config.retryAfter)
      await this.config.guard?.noteRateLimit(failure)
      await finish({
        status: "error",
        httpStatus: failure.httpStatus,
        response: axios.isAxiosError(err) ? err.response?.data : undefined,
        error: failure.message,
      })
      throw failure
    }
  }
}

/** Code of the failure a run gets when it lost its lease: the engine records the run as fenced. */
export const LEASE_LOST = "lease_lost"

const leaseLost = (connectionId: string, operation: string, recordId?: string) =>
  new IntegrationError(
    `This run lost its hold on sync record ${recordId ?? "(unknown)"} (its lease could not be extended, so another run may be working on it) and stopped before ${operation}: the record runs again from where the ERP is (will retry)`,
    { connectionId, code: LEASE_LOST, retryable: true }
  )
