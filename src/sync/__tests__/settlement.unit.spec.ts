import { MedusaError } from "@medusajs/framework/utils"
import { IntegrationError, SyncSkipped } from "../../lib/errors"
import { CIRCUIT_OPEN } from "../../lib/http/circuit-breaker"
import { ConnectionConfig, connectionSchema, RETRY_DEFAULTS } from "../../modules/integration-hub/options"
import type { Settlement } from "../../modules/integration-hub/service"
import { settlementFor } from "../engine"
import { mulberry32 } from "../../lib/__tests__/seeded-random"

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)
const HOUR = 3_600_000
const ERP: ConnectionConfig = connectionSchema.parse({ id: "erp", kind: "erp", provider: "tryton" })

const unavailable = (retryAfterMs?: number) =>
  new IntegrationError('Tryton sale.sale.create failed on connection "erp": HTTP 503 (will retry)', {
    connectionId: "erp",
    code: "http_503",
    retryable: true,
    httpStatus: 503,
    retryAfterMs,
  })
const rejected = new IntegrationError('Tryton sale.sale.create failed on connection "erp": HTTP 422', {
  connectionId: "erp",
  code: "http_422",
  retryable: false,
  httpStatus: 422,
})
const circuitOpen = (retryAfterMs?: number) =>
  new IntegrationError('Connection "erp" is failing (circuit open): nothing was sent', {
    connectionId: "erp",
    code: CIRCUIT_OPEN,
    retryable: true,
    retryAfterMs,
  })

type Row = [string, unknown, number, number | null, ConnectionConfig | undefined, Settlement]

describe("settlementFor", () => {
  let random: jest.SpyInstance<number, []>
  // Every draw is 0.5: a retry waits half its ceiling; a deferred record waits 2.5 s past the probe.
  beforeEach(() => {
    random = jest.spyOn(Math, "random").mockReturnValue(0.5)
  })
  afterEach(() => random.mockRestore())

  const MSG_503 = 'Tryton sale.sale.create failed on connection "erp": HTTP 503 (will retry)'
  const at = (ms: number) => new Date(T0 + ms)

  it.each<Row>([
    // what, error, attempts, failing for (ms, null = first failure), connection, settlement
    ["skipped", new SyncSkipped("Order order_1 was canceled before it reached the ERP", "canceled"), 3, null, ERP,
      { status: "skipped", summary: "Order order_1 was canceled before it reached the ERP", skip_code: "canceled" }],
    ["skipped without a code", new SyncSkipped("nothing to send"), 1, null, ERP, { status: "skipped", summary: "nothing to send", skip_code: "skipped" }],
    ["permanent: waits for a person", rejected, 1, null, ERP,
      { status: "failed", error: 'Tryton sale.sale.create failed on connection "erp": HTTP 422', code: "http_422", next_attempt_at: null }],
    ["a plain Error (a bug) is permanent", new Error("cannot read 'lines' of undefined"), 1, null, ERP,
      { status: "failed", error: "cannot read 'lines' of undefined", code: "error", next_attempt_at: null }],
    ["retryable, but the connection is gone", unavailable(), 1, null, undefined, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: null }],
    ["attempt 1: half of 30 s", unavailable(), 1, null, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(15_000) }],
    ["attempt 2: half of 60 s", unavailable(), 2, 15_000, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(30_000) }],
    ["attempt 5: half of 8 min", unavailable(), 5, HOUR, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(240_000) }],
    ["attempt 8: the 1 h cap", unavailable(), 8, 2 * HOUR, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(HOUR / 2) }],
    ["attempt 29: the last retry", unavailable(), 29, 20 * HOUR, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(HOUR / 2) }],
    ["Retry-After 2 min is a floor", unavailable(120_000), 1, null, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(120_000) }],
    ["Retry-After 2 h is held to maxDelayMs", unavailable(2 * HOUR), 1, null, ERP, { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(HOUR) }],
    ["attempt 30 = maxAttempts: dead", unavailable(), 30, 20 * HOUR, ERP,
      { status: "dead", error: 'Tryton sale.sale.create failed on connection "erp": HTTP 503 — gave up after 30 attempts', code: "http_503" }],
    ["attempt 31: dead", unavailable(), 31, 20 * HOUR, ERP,
      { status: "dead", error: 'Tryton sale.sale.create failed on connection "erp": HTTP 503 — gave up after 31 attempts', code: "http_503" }],
    ["failing for 72 h = maxAgeMs: dead", unavailable(), 12, 72 * HOUR, ERP,
      { status: "dead", error: 'Tryton sale.sale.create failed on connection "erp": HTTP 503 — gave up after 72 h of failing (retry.maxAgeMs)', code: "http_503" }],
    ["failing for 72 h less 1 ms: retried", unavailable(), 12, 72 * HOUR - 1, ERP,
      { status: "failed", error: MSG_503, code: "http_503", next_attempt_at: at(HOUR / 2) }],
    ["circuit open: deferred to the probe + 2.5 s", circuitOpen(20_000), 3, HOUR, ERP,
      { status: "deferred", error: 'Connection "erp" is failing (circuit open): nothing was sent', code: CIRCUIT_OPEN, next_attempt_at: at(22_500) }],
    ["circuit open without a time: baseDelayMs + 2.5 s", circuitOpen(), 1, null, ERP,
      { status: "deferred", error: 'Connection "erp" is failing (circuit open): nothing was sent', code: CIRCUIT_OPEN, next_attempt_at: at(32_500) }],
    ["circuit open beats both budgets: deferred, never dead", circuitOpen(20_000), 30, 100 * HOUR, ERP,
      { status: "deferred", error: 'Connection "erp" is failing (circuit open): nothing was sent', code: CIRCUIT_OPEN, next_attempt_at: at(22_500) }],
    ["a serialized failure (the orchestrator's plain object)", { message: "HTTP 503", code: "http_503", retryable: true }, 1, null, ERP,
      { status: "failed", error: "HTTP 503", code: "http_503", next_attempt_at: at(15_000) }],
    ["a lock conflict is retried", new MedusaError(MedusaError.Types.CONFLICT, "record locked"), 1, null, ERP,
      { status: "failed", error: "record locked", code: "transient_error", next_attempt_at: at(15_000) }],
  ])("%s", (_, err, attempts, failingFor, connection, expected) => {
    const failing_since = failingFor === null ? null : new Date(T0 - failingFor)
    expect(settlementFor(err, { attempts, failing_since }, connection, T0)).toEqual(expected)
  })

  it.each([
    // retry.maxAgeMs, failing for, how the message says it
    [60_000, 60_000, "1 min"],
    [10 * 60_000, 10 * 60_000, "10 min"],
    [HOUR, 59 * 60_000 + 59_000, null], // under the budget: retried
    [HOUR, HOUR, "1 h"],
    [HOUR, 90 * 60_000, "2 h"],
    [72 * HOUR, 73 * HOUR, "73 h"],
  ])("retry.maxAgeMs %i, failing for %i ms: gave up after %s", (maxAgeMs, failingFor, said) => {
    const connection = connectionSchema.parse({ id: "erp", kind: "erp", provider: "tryton", retry: { maxAgeMs } })
    const s = settlementFor(unavailable(), { attempts: 3, failing_since: new Date(T0 - failingFor) }, connection, T0)
    if (said === null) expect(s.status).toBe("failed")
    else expect(s).toEqual({ status: "dead", code: "http_503", error: `${MSG_503.replace(" (will retry)", "")} — gave up after ${said} of failing (retry.maxAgeMs)` })
  })

  it.each([
    // Retry-After of the open circuit, random, next attempt: the spread is at most 5 s and at most the wait itself
    [20_000, 0, 20_000],
    [20_000, 0.999_9, 24_999],
    [1_000, 0.5, 1_500],
    [1_000, 0.999_9, 1_999],
    [100, 0.5, 150],
  ])("deferred with Retry-After %i and random %d → %i ms later", (retryAfterMs, draw, later) => {
    random.mockReturnValue(draw)
    const s = settlementFor(circuitOpen(retryAfterMs), { attempts: 1, failing_since: null }, ERP, T0)
    expect(s).toMatchObject({ status: "deferred", next_attempt_at: at(later) })
  })
})

describe("the retry defaults survive a 4-hour outage", () => {
  const RECORDS = 1_000
  const OUTAGE_MS = 4 * HOUR
  /** Before 3c46deb: 8 attempts, 30 s base, 1 h cap, no time budget. */
  const OLD_RETRY = { ...RETRY_DEFAULTS, maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: HOUR, maxAgeMs: Number.MAX_SAFE_INTEGER }

  /**
   * One record failing on every attempt from t = 0, run by the engine's own settlementFor (its retryDelayMs draws
   * from Math.random, seeded here). Returns when it went dead (ms after 0) or null if it still waits at the horizon.
   */
  function diesAt(connection: ConnectionConfig, horizonMs: number): number | null {
    let t = 0
    let failing_since: Date | null = null
    for (let attempts = 1; ; attempts++) {
      const s = settlementFor(unavailable(), { attempts, failing_since }, connection, T0 + t)
      if (s.status === "dead") return t
      if (s.status !== "failed" || !s.next_attempt_at) throw new Error(`unexpected settlement ${s.status}`)
      failing_since ??= new Date(T0)
      t = s.next_attempt_at.getTime() - T0
      if (t > horizonMs) return null
    }
  }

  function deaths(retry: ConnectionConfig["retry"], seed: number): number[] {
    const connection = { ...ERP, retry }
    const random = jest.spyOn(Math, "random").mockImplementation(mulberry32(seed))
    try {
      return Array.from({ length: RECORDS }, () => diesAt(connection, OUTAGE_MS)).filter((t): t is number => t !== null)
    } finally {
      random.mockRestore()
    }
  }

  it("no record goes dead within 4 hours of failing (attempts and time budgets both)", () => {
    expect(RETRY_DEFAULTS.maxAgeMs).toBeGreaterThan(OUTAGE_MS)
    expect(deaths(ERP.retry, 2026)).toEqual([])
  })

  it("with the old defaults every record was dead within about an hour, long before the vendor came back", () => {
    const died = deaths(OLD_RETRY, 2026)
    expect(died).toHaveLength(RECORDS)
    // Seven delays of at most 30 s, 1, 2, 4, 8, 16, 32 min: the eighth attempt comes within 63.5 min.
    expect(Math.max(...died)).toBeLessThanOrEqual(3_810_000)
  })

  it("the defaults keep retrying for hours: the 30th attempt comes about 11.5 h after the first failure", () => {
    const random = jest.spyOn(Math, "random").mockReturnValue(0.5)
    try {
      // Half of each ceiling: 15 s + 30 s + … + 16 min (attempts 1-7), then 22 delays of 30 min.
      expect(diesAt(ERP, 100 * HOUR)).toBe(1_905_000 + 22 * 1_800_000)
    } finally {
      random.mockRestore()
    }
  })
})
