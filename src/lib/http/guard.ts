import { describeFailure, IntegrationError } from "../errors"
import { retryDelayMs } from "../backoff"
import { CallVerdict, CIRCUIT_OPEN, CircuitBreaker } from "./circuit-breaker"
import type { ConnectionRateLimiter } from "./rate-limit"

export type InPlaceRetryPolicy = {
  /** Repeats of one call (or one idempotent operation) before its failure goes back to the sync. */
  retries: number
  baseDelayMs: number
  maxDelayMs: number
  /** In-place retries allowed per first try, over ten seconds (plus a floor of ten): a recovering vendor is not stampeded. */
  budgetRatio: number
}

/**
 * Retries in a ten-second window may be at most `ratio` times the first tries plus ten (Finagle's retry budget):
 * while a vendor fails a third of its calls, repeats fit in it; while it is down, repeats stop and the circuit opens.
 */
export class RetryBudget {
  private readonly tries: number[] = []
  private readonly retries: number[] = []

  constructor(private readonly ratio: number, private readonly now: () => number = Date.now, private readonly windowMs = 10_000, private readonly floor = 10) {}

  recordTry() {
    this.prune()
    this.tries.push(this.now())
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    this.prune()
    if (this.retries.length >= this.floor + Math.floor(this.ratio * this.tries.length)) return false
    this.retries.push(this.now())
    return true
  }

  /** Only the window counts (and a healthy connection's list must not grow for months). */
  private prune() {
    const since = this.now() - this.windowMs
    for (const list of [this.tries, this.retries]) while (list.length && list[0] < since) list.shift()
  }
}

export type GuardDeps = {
  limiter: ConnectionRateLimiter
  breaker: CircuitBreaker
  budget: RetryBudget
  policy: InPlaceRetryPolicy
  /** A call's timeout: how long a half-open probe may hold the circuit. */
  timeoutMs: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Everything that stands between a sync and one vendor: the connection's rate limit (shared by instances),
 * its circuit breaker, and in-place retries for calls that are safe to repeat. Every external call of a
 * connection, HTTP or in-process, goes through `call`.
 */
export class ConnectionGuard {
  private readonly sleep: (ms: number) => Promise<void>

  constructor(readonly connectionId: string, private readonly deps: GuardDeps) {
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
  }

  get breaker(): CircuitBreaker {
    return this.deps.breaker
  }

  get limiter(): ConnectionRateLimiter {
    return this.deps.limiter
  }

  /**
   * One external call: passes the circuit breaker (or throws CircuitOpenError), waits for its turn, and
   * reports the outcome to both; a 429 pauses the whole connection for its Retry-After. A `safe` call (a read,
   * or a write the vendor itself makes idempotent) that fails in a retryable way is repeated in place, within the
   * policy and the budget; any other call is repeated here only after a 429 (the vendor refused it undone).
   */
  call<T>(fn: () => Promise<T>, opts: { safe: boolean }): Promise<T> {
    return this.withRetries(async () => {
      // The breaker first: callers that waited for a half-open probe then queue for their turn one by one,
      // instead of all starting at once on turns they took while waiting.
      const { probe } = await this.deps.breaker.admit(this.deps.timeoutMs + 1_000)
      const turn = await this.deps.limiter.acquire()
      try {
        const result = await fn()
        await this.deps.breaker.settle("success", probe)
        return result
      } catch (err) {
        await this.noteRateLimit(err)
        await this.deps.breaker.settle(verdictOf(err), probe)
        throw err
      } finally {
        // After the answer, and after any new pause it brought: the calls held behind the first one after a pause go on.
        turn.done()
      }
    }, opts.safe ? "safe-call" : "once")
  }

  /**
   * A 429 pauses the whole connection for its Retry-After. The HTTP layer and the call recorder say so as soon as
   * the answer is in, before they write the call's log row: the other callers must not start into the vendor's
   * window meanwhile. `call` says it again for calls that bypass them (a pause only ever lengthens).
   */
  async noteRateLimit(err: unknown): Promise<void> {
    if (isRateLimited(err)) await this.deps.limiter.pause(err.retryAfterMs ?? 1_000)
  }

  /**
   * Repeats a whole operation that is idempotent by contract (it looks up by our stable reference before it
   * creates, so a repeat after a lost answer finds what the first try made), within the same policy and budget.
   * Its calls go through `call` themselves; a failure of a safe call that was already repeated in place is not
   * repeated again here (the repeats would multiply).
   */
  repeat<T>(fn: () => Promise<T>): Promise<T> {
    return this.withRetries(fn, "operation")
  }

  private async withRetries<T>(fn: () => Promise<T>, mode: "safe-call" | "once" | "operation"): Promise<T> {
    const { policy, budget } = this.deps
    budget.recordTry()
    for (let retry = 0; ; retry++) {
      try {
        return await fn()
      } catch (err) {
        const failure = describeFailure(err)
        const waitAtLeast = failure.retryAfterMs ?? 0
        // A 429 says the vendor refused the call without doing it: repeating it is safe, whatever the call.
        const repeatable = mode === "safe-call" || (mode === "once" && isRateLimited(err))
        const again =
          (repeatable || mode === "operation") &&
          !(mode === "operation" && repeatedInPlace.has(err as object)) &&
          failure.retryable &&
          failure.code !== CIRCUIT_OPEN &&
          retry < policy.retries &&
          waitAtLeast <= policy.maxDelayMs &&
          budget.tryRetry()
        if (!again) {
          if (repeatable && failure.retryable && typeof err === "object" && err !== null) repeatedInPlace.add(err)
          throw err
        }
        await this.sleep(Math.max(waitAtLeast, retryDelayMs(retry + 1, policy, { random: this.deps.random })))
      }
    }
  }
}

/** Failures of safe calls that already had their repeats in place. */
const repeatedInPlace = new WeakSet<object>()

const isRateLimited = (err: unknown): err is IntegrationError => err instanceof IntegrationError && err.httpStatus === 429

/** Only failures that say the vendor is unwell count against its circuit; 429s and refusals of our data do not. */
function verdictOf(err: unknown): CallVerdict {
  if (isRateLimited(err)) return "neutral"
  return describeFailure(err).retryable ? "failure" : "success"
}
