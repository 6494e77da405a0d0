import type Redis from "ioredis"

export type RateLimit = { requests: number; perSeconds: number }

/**
 * How far apart two starts must be so that any `perSeconds` span holds at most `requests` of them: a span of
 * length P touches at most P / spacing + 1 evenly spaced starts. (requests − 1) / requests of the rate is kept.
 */
export function spacingMs(limit: RateLimit): number {
  return (limit.perSeconds * 1000) / Math.max(1, limit.requests - 1)
}

/** Where the schedule lives: this process, or Redis for every instance (clocked by the Redis server). */
interface ScheduleStore {
  /** Books the next start at least `spacing` after the previous one and after any pause; returns the wait in ms. */
  reserve(spacing: number): Promise<number>
  /** Pauses every start until `ms` from now; a longer pause already set is kept. */
  pause(ms: number): Promise<void>
  pausedForMs(): Promise<number>
}

class MemorySchedule implements ScheduleStore {
  private nextFree = 0
  private pausedUntil = 0
  constructor(private readonly now: () => number) {}
  async reserve(spacing: number) {
    const now = this.now()
    const start = Math.max(now, this.nextFree, this.pausedUntil)
    this.nextFree = start + spacing
    return start - now
  }
  async pause(ms: number) {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms)
  }
  async pausedForMs() {
    return Math.max(0, this.pausedUntil - this.now())
  }
}

// Redis server time in ms, so instances with skewed clocks share one schedule.
const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"
const RESERVE = `${NOW}
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(redis.call('GET', KEYS[2]) or '0'))
local nextFree = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], nextFree, 'PX', math.ceil(nextFree - now) + 1000)
return math.ceil(start - now)`
const PAUSE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', math.ceil(tonumber(ARGV[1]))) end
return 1`
const PAUSED_FOR = `${NOW}
return math.max(0, math.ceil(tonumber(redis.call('GET', KEYS[1]) or '0') - now))`

class RedisSchedule implements ScheduleStore {
  private readonly nextKey: string
  private readonly pauseKey: string
  constructor(private readonly redis: Redis, prefix: string) {
    this.nextKey = `${prefix}:next`
    this.pauseKey = `${prefix}:pause`
  }
  async reserve(spacing: number) {
    return Number(await this.redis.eval(RESERVE, 2, this.nextKey, this.pauseKey, spacing))
  }
  async pause(ms: number) {
    await this.redis.eval(PAUSE, 1, this.pauseKey, ms)
  }
  async pausedForMs() {
    return Number(await this.redis.eval(PAUSED_FOR, 1, this.pauseKey))
  }
}

/** Redis while it answers; this process's own schedule while it does not (a call is never failed for it). */
class FallbackSchedule implements ScheduleStore {
  private readonly local: MemorySchedule
  constructor(private readonly shared: ScheduleStore, now: () => number) {
    this.local = new MemorySchedule(now)
  }
  private async use<T>(fn: (s: ScheduleStore) => Promise<T>): Promise<T> {
    try {
      return await fn(this.shared)
    } catch {
      return fn(this.local)
    }
  }
  reserve = (spacing: number) => this.use((s) => s.reserve(spacing))
  pause = (ms: number) => this.use((s) => s.pause(ms))
  pausedForMs = () => this.use((s) => s.pausedForMs())
}

/** What a caller holds once its turn has come: `done()` when its call has its answer. */
export type Turn = { done: () => void }
const NOTHING_TO_RELEASE: Turn = { done: () => undefined }

/**
 * A connection's request schedule, shared by every Medusa instance through Redis when one is given (each
 * instance alone otherwise): at most `requests` starts in any `perSeconds`, spread evenly, first come first
 * served. Callers wait for their turn instead of failing. A vendor's 429 + Retry-After pauses the whole
 * connection, every instance, for that long (`pause`); a caller whose turn fell into a pause takes a new turn
 * after it. When a pause ends, one call goes first and the others of this process wait for its answer: the
 * calls queued behind a 429 do not all start in the same millisecond and meet the vendor's limit again.
 */
export class ConnectionRateLimiter {
  private readonly store: ScheduleStore
  private readonly spacing: number | null

  constructor(
    readonly connectionId: string,
    readonly limit: RateLimit | undefined,
    redis?: Redis,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => number = Date.now
  ) {
    this.store = redis ? new FallbackSchedule(new RedisSchedule(redis, `mih:rl:${connectionId}`), now) : new MemorySchedule(now)
    this.spacing = limit ? spacingMs(limit) : null
  }

  /** The last caller's turn: a caller starts only after the one before it (timers may fire out of order). */
  private turn: Promise<void> = Promise.resolve()
  /** After a pause: settles when the first call has its answer. */
  private resuming: Promise<void> | null = null
  /** How many first calls after a pause have had their answers: a caller held by an older pause does not go first again. */
  private resumed = 0

  /** Resolves when the caller may start its request, first come first served; call `done()` on the turn once it has its answer. */
  acquire(): Promise<Turn> {
    const before = this.turn
    const mine = this.waitForTurn().then(async (heldAt) => {
      await before
      return this.goInOrder(heldAt)
    })
    this.turn = mine.then(
      () => undefined,
      () => undefined
    )
    return mine
  }

  /**
   * Waits out any pause and, with a rate limit, for a booked start. Returns, when a pause held this caller, the
   * count of resumes at that moment (null when none did).
   */
  private async waitForTurn(): Promise<number | null> {
    let heldAt: number | null = null
    for (;;) {
      const resumed = this.resumed
      const paused = await this.store.pausedForMs()
      if (paused > 0) {
        heldAt = resumed
        await this.sleep(paused)
        continue
      }
      if (this.spacing === null) return heldAt
      const wait = await this.store.reserve(this.spacing)
      if (wait <= 0) return heldAt
      await this.sleep(wait)
      // A 429 may have paused the connection while this caller waited for its turn: then it takes a new one.
      if ((await this.store.pausedForMs()) <= 0) return heldAt
      heldAt = resumed
    }
  }

  /**
   * In queue order: the first caller after a pause goes alone; the callers behind it wait for its answer, then
   * take new turns (after the new pause, if its answer was another 429).
   */
  private async goInOrder(heldAt: number | null): Promise<Turn> {
    if (!this.resuming) return heldAt === this.resumed ? this.goFirst() : NOTHING_TO_RELEASE
    await this.resuming
    return this.goInOrder(await this.waitForTurn())
  }

  /** This caller goes first after a pause; the others wait until its call has its answer (and any new pause is set). */
  private goFirst(): Turn {
    let release!: () => void
    const resuming = new Promise<void>((resolve) => (release = resolve))
    this.resuming = resuming
    return {
      done: () => {
        if (this.resuming !== resuming) return
        this.resuming = null
        this.resumed++
        release()
      },
    }
  }

  /** The vendor said "too many requests, come back in `ms`": no request on this connection starts before then. */
  async pause(ms: number): Promise<void> {
    if (ms > 0) await this.store.pause(ms)
  }

  /** Milliseconds until the connection may be called again (0 when not paused). */
  pausedForMs(): Promise<number> {
    return this.store.pausedForMs()
  }
}
