import { isAxiosError } from "axios"
import { describeFailure, IntegrationError } from "../errors"

/** HTTP statuses worth retrying: the request may succeed later without anyone changing it. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

/**
 * How long a vendor that sends no Retry-After with its 429 wants us to wait, read from its own headers (e.g. the
 * length of its rolling window); undefined when they do not say.
 */
export type VendorRetryAfter = (headers: Record<string, unknown>) => number | undefined

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || !header.trim()) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000))
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH",
  "ENETUNREACH", "ECONNABORTED", "ERR_SOCKET_CONNECTION_TIMEOUT", "ERR_NETWORK",
])

/**
 * One place that turns a failed HTTP exchange into an IntegrationError: network errors, timeouts,
 * 408/425/429/5xx are retryable; every other 4xx is permanent. `what` says what we were doing,
 * e.g. "Tryton sale.sale.create", and leads the message.
 */
export function classifyHttpError(
  err: unknown, connectionId: string, what: string, timeoutMs: number, vendorRetryAfter?: VendorRetryAfter
): IntegrationError {
  if (err instanceof IntegrationError) return err
  if (isAxiosError(err)) {
    const status = err.response?.status
    if (status !== undefined) {
      const retryable = isRetryableStatus(status)
      const headers = (err.response?.headers ?? {}) as Record<string, unknown>
      const retryAfterMs = status === 429 || status === 503 ? (parseRetryAfter(headers["retry-after"]) ?? vendorRetryAfter?.(headers)) : undefined
      return new IntegrationError(
        `${what} failed on connection "${connectionId}": HTTP ${status}${retryable ? " (will retry)" : ""}`,
        { connectionId, code: `http_${status}`, retryable, httpStatus: status, retryAfterMs, cause: err }
      )
    }
    if (err.code === "ECONNABORTED" || err.code === "ETIMEDOUT" || /timeout/i.test(err.message)) {
      return new IntegrationError(
        `${what} timed out after ${timeoutMs} ms on connection "${connectionId}" (will retry)`,
        { connectionId, code: "timeout", retryable: true, cause: err }
      )
    }
    const code = err.code ?? causeCode(err)
    if (code && NETWORK_CODES.has(code)) {
      return new IntegrationError(
        `Could not reach connection "${connectionId}" (${code} during ${what}): is the server up and its URL right? (will retry)`,
        { connectionId, code: "network", retryable: true, cause: err }
      )
    }
    // No answer, for a reason axios does not name (a socket closed mid-answer): the exchange itself failed.
    return new IntegrationError(`${what} failed on connection "${connectionId}": ${err.message} (will retry)`, { connectionId, code: "network", retryable: true, cause: err })
  }
  // Not a failed exchange: a failure that passes by itself (the database under the call log) is retried; any other
  // is ours (a bug, a body we could not read), and retrying would fail the same way.
  const failure = describeFailure(err)
  if (failure.retryable) {
    return new IntegrationError(`${what} failed on connection "${connectionId}": ${failure.message} (will retry)`, { connectionId, code: "transient_error", retryable: true, cause: err })
  }
  return new IntegrationError(`${what} failed on connection "${connectionId}": ${failure.message}`, { connectionId, code: "unexpected_error", retryable: false, cause: err })
}

function causeCode(err: Error): string | undefined {
  const cause = (err as { cause?: { code?: unknown } }).cause
  return typeof cause?.code === "string" ? cause.code : undefined
}
