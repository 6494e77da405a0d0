import type Redis from "ioredis"
import { IntegrationError } from "../errors"

export type CircuitBreakerOptions = {
  /** The failure rate is measured over this sliding window (ten buckets). */
  windowMs: number
  /** Fewer calls than this in the window never open the circuit (one failed call of two is no outage). */
  minRequests: number
  /** Share of failed calls in the window (0..1) that opens the circuit. */
  failureRate: number
  /** How long the circuit stays open before one probe call may test the vendor (half-open). */
  openMs: number
  /**
   * Probe calls, one at a time, that may fail in a row before the circuit opens again: a vendor failing a third
   * of its calls fails one probe in three, which is no outage; a vendor that is down fails them all.
   */
  probes: number
}

export type CircuitState = "closed" | "open" | "half_open"
export type CircuitSnapshot = {
  state: CircuitState
  opened_at: string | null
  /** When the next probe may go (open), or null. */
  retry_at: string | null
  window: { requests: number; failures: number }
}

/** How one call went, as the breaker counts it: a 429 or a vendor's "no" to our data says nothing about its health. */
export type CallVerdict = "success" | "failure" | "neutral"

type Tripped = { openedAt: number; openUntil: number }

/** Where the breaker keeps its counts and state: this process, or Redis for every instance. */
interface BreakerStore {
  add(bucket: number, failed: boolean, ttlMs: number): Promise<void>
  counts(buckets: number[]): Promise<{ requests: number; failures: number }>
  tripped(): Promise<Tripped | null>
  /** Opens (or re-opens) the circuit; with `onlyIfClosed`, only when it is not open already, and says whether it did. */
  trip(t: Tripped, onlyIfClosed: boolean): Promise<boolean>
  /**
   * True for the one caller allowed to probe until `ttlMs` passes or the probe settles — and only while the
   * circuit is still the one this caller saw open at `openedAt` (a verdict landing in between must not make
   * a late caller a second probe).
   */
  claimProbe(ttlMs: number, openedAt: number): Promise<boolean>
  releaseProbe(): Promise<void>
  /**
   * Counts a failed probe; returns the probe failures since the circuit opened. Below `limit` the probe is freed
   * for the next caller; at `limit` it stays held until the circuit opens again (no caller slips in between).
   */
  failProbe(limit: number): Promise<number>
  reset(): Promise<void>
}

/** Timed by the breaker's clock, so its ttls run on the same time as the rest of the breaker. */
class MemoryStore implements BreakerStore {
  constructor(private readonly now: () => number) {}
  private readonly buckets = new Map<number, { requests: number; failures: number; expires: number }>()
  private trip_: Tripped | null = null
  private probeUntil = 0
  private probeFailures = 0

  async add(bucket: number, failed: boolean, ttlMs: number) {
    const b = this.buckets.get(bucket) ?? { requests: 0, failures: 0, expires: this.now() + ttlMs }
    b.requests++
    if (failed) b.failures++
    this.buckets.set(bucket, b)
    for (const [k, v] of this.buckets) if (v.expires < this.now()) this.buckets.delete(k)
  }
  async counts(buckets: number[]) {
    let requests = 0
    let failures = 0
    for (const k of buckets) {
      const b = this.buckets.get(k)
      if (b) {
        requests += b.requests
        failures += b.failures
      }
    }
    return { requests, failures }
  }
  async tripped() {
    return this.trip_
  }
  async trip(t: Tripped, onlyIfClosed: boolean) {
    if (onlyIfClosed && this.trip_) return false
    this.trip_ = t
    this.probeUntil = 0
    this.probeFailures = 0
    return true
  }
  async claimProbe(ttlMs: number, openedAt: number) {
    if (this.trip_?.openedAt !== openedAt || this.probeUntil > this.now()) return false
    this.probeUntil = this.now() + ttlMs
    return true
  }
  async releaseProbe() {
    this.probeUntil = 0
  }
  async failProbe(limit: number) {
    if (!this.trip_) return 0
    if (++this.probeFailures < limit) this.probeUntil = 0
    return this.probeFailures
  }
  async reset() {
    this.buckets.clear()
    this.trip_ = null
    this.probeUntil = 0
    this.probeFailures = 0
  }
}

/** The probe is claimed only while the circuit is still open since the moment the caller saw. */
const CLAIM_PROBE = `if redis.call('HGET', KEYS[1], 'openedAt') ~= ARGV[1] then return 0 end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then return 1 end
return 0`
/** Counts a failed probe while the circuit is tripped (a reset circuit has none); frees the probe below the limit. */
const FAIL_PROBE = `if redis.call('HEXISTS', KEYS[1], 'openedAt') == 0 then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'probeFailures', 1)
if failures < tonumber(ARGV[1]) then redis.call('DEL', KEYS[2]) end
return failures`

/** Counts live in one hash (two fields per bucket), the trip and the probe in two keys: three keys per connection. */
class RedisStore implements BreakerStore {
  private readonly countsKey: string
  private readonly stateKey: string
  private readonly probeKey: string

  constructor(private readonly redis: Redis, prefix: string) {
    this.countsKey = `${prefix}:counts`
    this.stateKey = `${prefix}:state`
    this.probeKey = `${prefix}:probe`
  }

  async add(bucket: number, failed: boolean, ttlMs: number) {
    const tx = this.redis.multi().hincrby(this.countsKey, `${bucket}:r`, 1)
    if (failed) tx.hincrby(this.countsKey, `${bucket}:f`, 1)
    // The bucket leaving the window goes; the hash itself expires when the connection is idle.
    await tx.hdel(this.countsKey, `${bucket - BUCKETS}:r`, `${bucket - BUCKETS}:f`).pexpire(this.countsKey, ttlMs).exec()
  }
  async counts(buckets: number[]) {
    const values = await this.redis.hmget(this.countsKey, ...buckets.flatMap((b) => [`${b}:r`, `${b}:f`]))
    let requests = 0
    let failures = 0
    values.forEach((v, i) => {
      if (i % 2 === 0) requests += Number(v ?? 0)
      else failures += Number(v ?? 0)
    })
    return { requests, failures }
  }
  async tripped() {
    const [openedAt, openUntil] = await this.redis.hmget(this.stateKey, "openedAt", "openUntil")
    return openedAt && openUntil ? { openedAt: Number(openedAt), openUntil: Number(openUntil) } : null
  }
  async trip(t: Tripped, onlyIfClosed: boolean) {
    // HSETNX on openedAt decides, across instances, which failure opened the circuit.
    if (onlyIfClosed && !(await this.redis.hsetnx(this.stateKey, "openedAt", t.openedAt))) return false
    await this.redis.multi().hset(this.stateKey, "openedAt", t.openedAt, "openUntil", t.openUntil, "probeFailures", 0).del(this.probeKey).exec()
    return true
  }
  async claimProbe(ttlMs: number, openedAt: number) {
    return Number(await this.redis.eval(CLAIM_PROBE, 2, this.stateKey, this.probeKey, openedAt, ttlMs)) === 1
  }
  async releaseProbe() {
    await this.redis.del(this.probeKey)
  }
  async failProbe(limit: number) {
    return Number(await this.redis.eval(FAIL_PROBE, 2, this.stateKey, this.probeKey, limit))
  }
  async reset() {
    await this.redis.del(this.countsKey, this.stateKey, this.probeKey)
  }
}

/** A Redis store that falls back to this process's own counts while Redis cannot be reached. */
class FallbackStore implements BreakerStore {
  private readonly local: MemoryStore
  constructor(private readonly shared: BreakerStore, now: () => number) {
    this.local = new MemoryStore(now)
  }
  private async use<T>(fn: (s: BreakerStore) => Promise<T>): Promise<T> {
    try {
      return await fn(this.shared)
    } catch {
      return fn(this.local)
    }
  }
  add = (b: number, f: boolean, ttl: number) => this.use((s) => s.add(b, f, ttl))
  counts = (b: number[]) => this.use((s) => s.counts(b))
  tripped = () => this.use((s) => s.tripped())
  trip = (t: Tripped, onlyIfClosed: boolean) => this.use((s) => s.trip(t, onlyIfClosed))
  claimProbe = (ttl: number, openedAt: number) => this.use((s) => s.claimProbe(ttl, openedAt))
  releaseProbe = () => this.use((s) => s.releaseProbe())
  failProbe = (limit: number) => this.use((s) => s.failProbe(limit))
  reset = () => this.use((s) => s.reset())
}

const BUCKETS = 10
/** How often a caller waiting for a half-open probe looks at its verdict. */
const PROBE_POLL_MS = 100

/**
 * A connection's circuit breaker (closed → open → half-open → closed), shared by every instance through
 * Redis when one is given. It opens when, within `windowMs`, at least `minRequests` calls were made and
 * `failureRate` of them failed in a way that says the vendor is unwell (network, timeout, 5xx). While open,
 * calls are refused before they leave (`CircuitOpenError`, retryable): the sync waits, spending no attempt.
 * After `openMs` one probe call at a time goes through (the others wait for its verdict); a success closes the
 * circuit, `probes` failures in a row open it again.
 */
export class CircuitBreaker {
  private readonly store: BreakerStore

  constructor(
    readonly connectionId: string,
    private readonly options: CircuitBreakerOptions,
    redis?: Redis,
    private readonly onChange: (state: CircuitState, detail: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))
  ) {
    this.store = redis ? new FallbackStore(new RedisStore(redis, `mih:cb:${connectionId}`), now) : new MemoryStore(now)
  }

  private get bucketMs() {
    return this.options.windowMs / BUCKETS
  }
  private windowBuckets(): number[] {
    const current = Math.floor(this.now() / this.bucketMs)
    return Array.from({ length: BUCKETS }, (_, i) => current - i)
  }

  /**
   * Before a call: returns whether it is the half-open probe, or throws CircuitOpenError.
   * `probeTtlMs` bounds how long one probe may hold the half-open state (the call's timeout).
   */
  async admit(probeTtlMs: number): Promise<{ probe: boolean }> {
    const tripped = await this.store.tripped()
    if (!tripped) return { probe: false }
    if (this.now() < tripped.openUntil) throw this.openError(tripped, tripped.openUntil)
    if (await this.store.claimProbe(probeTtlMs, tripped.openedAt)) return { probe: true }
    return this.awaitProbe(probeTtlMs)
  }

  /**
   * Another caller is probing: wait for its verdict (at most `probeTtlMs`) rather than fail, so the calls
   * queued behind an outage go on as soon as the probe has closed the circuit.
   */
  private async awaitProbe(probeTtlMs: number): Promise<{ probe: boolean }> {
    // Bounded in polls as well as in time, whatever the clock does.
    const polls = Math.ceil(Math.min(probeTtlMs, this.options.openMs) / PROBE_POLL_MS)
    let tripped: Tripped | null = null
    for (let i = 0; i < polls; i++) {
      await this.sleep(PROBE_POLL_MS)
      tripped = await this.store.tripped()
      if (!tripped) return { probe: false }
      if (this.now() < tripped.openUntil) throw this.openError(tripped, tripped.openUntil)
      // The probe before failed without opening the circuit again: the next one may be this caller's.
      if (await this.store.claimProbe(probeTtlMs, tripped.openedAt)) return { probe: true }
    }
    if (tripped && (await this.store.claimProbe(probeTtlMs, tripped.openedAt))) return { probe: true }
    throw this.openError(tripped ?? { openedAt: this.now(), openUntil: this.now() }, this.now() + this.options.openMs)
  }

  /** After a call: counts it, and opens or closes the circuit when that changes its state. */
  async settle(verdict: CallVerdict, probe: boolean): Promise<void> {
    if (probe) {
      if (verdict === "success") {
        await this.store.reset()
        this.onChange("closed", `a probe call succeeded; calls flow again`)
      } else if (verdict === "failure") {
        const failures = await this.store.failProbe(this.options.probes)
        if (failures >= this.options.probes) await this.open(failures > 1 ? `${failures} probe calls in a row failed` : "the probe call failed", false)
      } else {
        await this.store.releaseProbe()
      }
      return
    }
    if (verdict === "neutral") return
    await this.store.add(this.windowBuckets()[0], verdict === "failure", this.options.windowMs + this.bucketMs)
    if (verdict !== "failure") return
    const { requests, failures } = await this.store.counts(this.windowBuckets())
    if (requests >= this.options.minRequests && failures / requests >= this.options.failureRate) {
      await this.open(`${failures} of ${requests} calls failed in the last ${Math.round(this.options.windowMs / 1000)} s`, true)
    }
  }

  async snapshot(): Promise<CircuitSnapshot> {
    const [tripped, window] = await Promise.all([this.store.tripped(), this.store.counts(this.windowBuckets())])
    const state: CircuitState = !tripped ? "closed" : this.now() < tripped.openUntil ? "open" : "half_open"
    return {
      state,
      opened_at: tripped ? new Date(tripped.openedAt).toISOString() : null,
      retry_at: tripped && state === "open" ? new Date(tripped.openUntil).toISOString() : null,
      window,
    }
  }

  /** Closes the circuit by hand (a person knows the vendor is back). */
  async reset(): Promise<void> {
    await this.store.reset()
  }

  /** Opens the circuit; `onlyIfClosed` makes parallel failures open it once, with one message. */
  private async open(why: string, onlyIfClosed: boolean) {
    const openedAt = this.now()
    if (!(await this.store.trip({ openedAt, openUntil: openedAt + this.options.openMs }, onlyIfClosed))) return
    this.onChange("open", `${why}; calls wait ${Math.round(this.options.openMs / 1000)} s, then probes test the connection, one at a time`)
  }

  private openError(tripped: Tripped, retryAt: number): IntegrationError {
    const at = new Date(retryAt).toISOString()
    return new IntegrationError(
      `Connection "${this.connectionId}" is failing (circuit open since ${new Date(tripped.openedAt).toISOString()}): nothing was sent; the sync waits until ${at} and spends no attempt`,
      { connectionId: this.connectionId, code: CIRCUIT_OPEN, retryable: true, retryAfterMs: Math.max(0, retryAt - this.now()) }
    )
  }
}

/** The code of the error a call gets while the circuit is open: the engine defers the record instead of failing it. */
export const CIRCUIT_OPEN = "circuit_open"
