export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }

/**
 * Delay before retry number `attempt` (1 = first retry): exponential with full jitter, capped.
 * Full jitter (a uniform draw in [0, cap]) spreads a burst of failures over the whole window,
 * so a recovering system is not hit by all retries at once. A vendor's Retry-After is a floor.
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  opts: { random?: () => number; retryAfterMs?: number } = {}
): number {
  const random = opts.random ?? Math.random
  const exponent = Number.isNaN(attempt) ? 0 : Math.max(0, Math.min(attempt - 1, 30))
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent)
  const jittered = Math.floor(random() * ceiling)
  const floor = Math.min(opts.retryAfterMs ?? 0, policy.maxDelayMs)
  return Math.max(jittered, floor)
}
