import type Redis from "ioredis"
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterQueue, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible"

export type RateLimit = { requests: number; perSeconds: number }

/**
 * A connection's request budget, shared by every Medusa instance through Redis when one is given (each
 * instance alone otherwise): at most `requests` starts per `perSeconds`, spread evenly. Callers wait for their
 * turn, in order, instead of failing. A vendor's 429 + Retry-After pauses the whole connection, every
 * instance, for that long (`pause`), so the next requests do not all hit the limit again.
 */
export class ConnectionRateLimiter {
  private readonly queue?: RateLimiterQueue
  private readonly paused: RateLimiterAbstract
  /** Until when this process knows the connection is paused, so it does not ask Redis on every call. */
  private pausedUntil = 0
  /** Callers take their turn one after the other: first come, first served, and a pause holds back everyone behind it. */
  private turn: Promise<void> = Promise.resolve()

  constructor(
    readonly connectionId: string,
    readonly limit: RateLimit | undefined,
    redis?: Redis,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))
  ) {
    const keyPrefix = `mih:rl:${connectionId}`
    const make = (points: number, duration: number, prefix: string): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: prefix })
      // If Redis is unreachable, the process keeps limiting on its own rather than failing every call.
      return redis ? new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix: prefix, insuranceLimiter: memory }) : memory
    }
    if (limit) {
      const { points, windowSeconds } = evenWindows(limit)
      this.queue = new RateLimiterQueue(make(points, windowSeconds, keyPrefix))
    }
    this.paused = make(1, 1, `${keyPrefix}:pause`)
  }

  /** Resolves when the caller may start its request: in turn, after any pause, then when the budget has room. */
  acquire(): Promise<void> {
    const mine = this.turn.then(async () => {
      await this.waitWhilePaused()
      await this.queue?.removeTokens(1)
      // A 429 may have paused the connection while this caller waited for its token.
      await this.waitWhilePaused()
    })
    this.turn = mine.catch(() => undefined)
    return mine
  }

  /** The vendor said "too many requests, come back in `ms`": no request on this connection starts before then. */
  async pause(ms: number): Promise<void> {
    if (ms <= 0) return
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms)
    await this.paused.block("all", ms / 1000).catch(() => undefined)
  }

  /** Milliseconds until the connection may be called again (0 when not paused). */
  async pausedForMs(): Promise<number> {
    const local = this.pausedUntil - Date.now()
    if (local > 0) return local
    const res = await this.paused.get("all").catch(() => null)
    return res instanceof RateLimiterRes && res.consumedPoints > 1 ? Math.max(0, res.msBeforeNext) : 0
  }

  private async waitWhilePaused(): Promise<void> {
    for (let ms = await this.pausedForMs(); ms > 0; ms = await this.pausedForMs()) await this.sleep(ms)
  }
}

/**
 * Fixed windows let a burst at the end of one window meet a burst at the start of the next: twice the limit in
 * a moment. One request per window of `perSeconds / (requests - 1)` keeps every `perSeconds` span at or under
 * `requests` (a span touches at most `requests` such windows) while allowing (requests - 1) / requests of the rate.
 */
export function evenWindows(limit: RateLimit): { points: number; windowSeconds: number } {
  if (limit.requests <= 1) return { points: 1, windowSeconds: limit.perSeconds }
  return { points: 1, windowSeconds: limit.perSeconds / (limit.requests - 1) }
}
