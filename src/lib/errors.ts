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
 * The sync record ends `skipped` with this message; `skipCode` says why ("shadow" can be sent later).
 */
export class SyncSkipped extends Error {
  readonly skip = true
  constructor(message: string, readonly skipCode = "skipped") {
    super(message)
    this.name = "SyncSkipped"
  }
}

export type FailureInfo = {
  message: string
  code: string
  retryable: boolean
  skip: boolean
  skipCode?: string
  retryAfterMs?: number
}

/** Error names of database and driver failures that pass by themselves (MikroORM, knex). */
const TRANSIENT_NAMES = new Set([
  "ConnectionException", "DeadlockException", "LockWaitTimeoutException", "ReadOnlyException", "KnexTimeoutError", "TimeoutError",
])
/** SQLSTATE classes that pass by themselves: connection (08), rollback (40), resources (53), operator (57), lock (55P03). */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)|^55P03$/

/**
 * Reads a failure back from anything a workflow may hand us: a live error or the plain object Medusa's
 * orchestrator serializes it into. Only failures known to pass by themselves are retried: an
 * IntegrationError that says so, a network or database failure, a lock conflict. Everything else (a plain
 * Error from mapping or formatting, bad data, a bug) is permanent: retrying would fail the same way until
 * the record is dead, so it waits for a person instead.
 */
export function describeFailure(err: unknown): FailureInfo {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as Record<string, unknown>
  const message = typeof e.message === "string" && e.message ? e.message : "Unknown error"
  if (e.skip === true || e.name === "SyncSkipped") {
    return { message, code: "skipped", retryable: false, skip: true, skipCode: typeof e.skipCode === "string" ? e.skipCode : "skipped" }
  }
  if (typeof e.retryable === "boolean") {
    return {
      message,
      code: typeof e.code === "string" ? e.code : "integration_error",
      retryable: e.retryable,
      skip: false,
      retryAfterMs: typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined,
    }
  }
  const code = typeof e.code === "string" ? e.code : typeof e.sqlState === "string" ? e.sqlState : ""
  const transient =
    TRANSIENT_NAMES.has(String(e.name)) ||
    /^E[A-Z]{4,}$/.test(code) ||
    TRANSIENT_SQLSTATE.test(code) ||
    e.type === MedusaError.Types.CONFLICT ||
    e.type === MedusaError.Types.DB_ERROR
  if (transient) return { message, code: "transient_error", retryable: true, skip: false }
  const kind = typeof e.type === "string" ? e.type : typeof e.name === "string" && e.name !== "Error" ? e.name : "error"
  return { message, code: kind, retryable: false, skip: false }
}
