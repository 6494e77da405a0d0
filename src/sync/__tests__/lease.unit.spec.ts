import { HttpClient } from "../../lib/http/client"
import { CallRecorder } from "../../lib/http/call-recorder"
import { runInSyncContext } from "../../lib/run-context"
import { holdLease } from "../lease"

const claimed = { id: "isync_1", claim_token: "irun_1" }
const LEASE_MS = 3_000

describe("a run's lease: lost as soon as the database says so, or when it could not be extended for a whole lease", () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it("stays held while every extension succeeds", async () => {
    const extend = jest.fn(async () => true)
    const lease = holdLease({ extendLease: extend }, claimed, LEASE_MS)
    await jest.advanceTimersByTimeAsync(10 * LEASE_MS)
    expect(lease.signal.aborted).toBe(false)
    expect(extend).toHaveBeenCalledTimes(30)
    expect(extend).toHaveBeenCalledWith("isync_1", "irun_1", LEASE_MS)
    lease.release()
  })

  it("is lost at the first extension the database refuses (another run took the record over)", async () => {
    const answers = [true, false]
    const lease = holdLease({ extendLease: async () => answers.shift() ?? true }, claimed, LEASE_MS)
    await jest.advanceTimersByTimeAsync(LEASE_MS / 3)
    expect(lease.signal.aborted).toBe(false)
    await jest.advanceTimersByTimeAsync(LEASE_MS / 3)
    expect(lease.signal.aborted).toBe(true)
    lease.release()
  })

  it("survives extensions that fail within the lease, and is lost once none succeeded for a whole lease", async () => {
    const lease = holdLease({ extendLease: async () => Promise.reject(new Error("connection terminated")) }, claimed, LEASE_MS)
    await jest.advanceTimersByTimeAsync(LEASE_MS - 1)
    expect(lease.signal.aborted).toBe(false)
    await jest.advanceTimersByTimeAsync(1)
    expect(lease.signal.aborted).toBe(true)
    lease.release()
  })

  it("is lost past the lease's end even before a heartbeat ran (a process that stalled longer than its lease)", async () => {
    const lease = holdLease({ extendLease: async () => true }, claimed, LEASE_MS)
    expect(lease.hold.lost).toBe(false)
    // The clock moves on while no timer fires: what a stalled event loop sees when it wakes.
    jest.setSystemTime(Date.now() + LEASE_MS)
    expect(lease.hold.lost).toBe(true)
    lease.release()
  })

  it("stops when released: a finished run extends nothing", async () => {
    const extend = jest.fn(async () => true)
    holdLease({ extendLease: extend }, claimed, LEASE_MS).release()
    await jest.advanceTimersByTimeAsync(5 * LEASE_MS)
    expect(extend).not.toHaveBeenCalled()
  })
})

describe("the HTTP layer of a run that lost its lease", () => {
  it("sends nothing more: the call fails retryably, naming the record and the call it did not make", async () => {
    const rows: unknown[] = []
    const recorder = new CallRecorder({ connectionId: "erp", secrets: [], log: async (row) => void rows.push(row) })
    // Nothing listens on this port: a call that went out would fail as a network error, not as a lost lease.
    const http = new HttpClient({ baseURL: "http://127.0.0.1:9", timeoutMs: 1_000, recorder })
    const err = await runInSyncContext({ syncRecordId: "isync_1", lease: { lost: true } }, () =>
      http.request({ method: "POST", url: "/", operation: "sale.sale.create" })
    ).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: "lease_lost", retryable: true })
    expect((err as Error).message).toBe(
      "This run lost its hold on sync record isync_1 (its lease could not be extended, so another run may be working on it) and stopped before sale.sale.create: the record runs again from where the ERP is (will retry)"
    )
    expect(rows).toEqual([])
  })
})
