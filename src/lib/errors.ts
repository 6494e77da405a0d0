import { MedusaError } from "@medusajs/framework/utils"

/** Why an external call or sync failed, in the words the retry logic needs. */
export type FailureClass = "retryable" | "permanent"

export type IntegrationErrorDetails = {
  /** The connection (options `connections[].id`) the failure belongs to. */
  connectionId: string
  /** Machine-readable code, e.g. "timeout", "http_503", "tryton_user_error", "unknown_sku". */
  code: string
  retryable: boolean
  httpStatus?: number
  /** Set from a Retry-After header: the earliest the vendor wants to hear from us again. */
  retryAfterMs?: number
  cause?: unknown
}

/**
 * A failure talking to an external system. The message is meant for a store owner:
 * it names the record and field where it can, and never contains credentials.
 */
export class IntegrationError extends MedusaError {
  readonly connectionId: string
  readonly code: string
  readonly retryable: boolean
  readonly httpStatus?: number
  readonly retryAfterMs?: number

  constructor(message: string, details: IntegrationErrorDetails) {
    super(
      details.retryable ? MedusaError.Types.UNEXPECTED_STATE : MedusaError.Types.INVALID_DATA,
      message,
      details.code
    )
    this.name = "IntegrationError"
    this.connectionId = details.connectionId
    this.code = details.code
    this.retryable = details.retryable
    this.httpStatus = details.httpStatus
    this.retryAfterMs = details.retryAfterMs
    if (details.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: details.cause, enumerable: false })
    }
  }
}

/**
 * Thrown when a sync should not happen at all (e.g. the order was canceled before it reached the ERP).
 * The sync record ends `skipped` with this message.
 */
export class SyncSkipped extends Error {
  readonly skip = true
  constructor(message: string) {
    super(message)
    this.name = "SyncSkipped"
  }
}

export type FailureInfo = {
  message: string
  code: string
  retryable: boolean
  skip: boolean
  retryAfterMs?: number
}

/**
 * Reads a failure back from anything a workflow may hand us: a live error or the plain object
 * Medusa's orchestrator serializes it into. Unknown errors count as retryable: a bug or an outage
 * on our side must not silently drop a sync.
 */
export function describeFailure(err: unknown): FailureInfo {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as Record<string, unknown>
  const message = typeof e.message === "string" && e.message ? e.message : "Unknown error"
  const skip = e.skip === true || e.name === "SyncSkipped"
  if (skip) return { message, code: "skipped", retryable: false, skip: true }
  if (typeof e.retryable === "boolean") {
    return {
      message,
      code: typeof e.code === "string" ? e.code : "integration_error",
      retryable: e.retryable,
      skip: false,
      retryAfterMs: typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined,
    }
  }
  if (e.type === MedusaError.Types.INVALID_DATA || e.type === MedusaError.Types.NOT_FOUND) {
    return { message, code: String(e.type), retryable: false, skip: false }
  }
  return { message, code: "unexpected_error", retryable: true, skip: false }
}
