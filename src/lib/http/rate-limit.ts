/**
 * In-process sliding-window limiter: at most `requests` starts per `perSeconds`.
 * Callers wait for a free slot instead of being rejected, so a burst is smoothed, not failed.
 */
export class RateLimiter {
  private readonly starts: number[] = []
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly requests: number,
    private readonly perSeconds: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))
  ) {}

  /** Resolves when the caller may start its request. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot())
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async waitForSlot(): Promise<void> {
    const windowMs = this.perSeconds * 1000
    for (;;) {
      const now = this.now()
      while (this.starts.length && this.starts[0] <= now - windowMs) this.starts.shift()
      if (this.starts.length < this.requests) {
        this.starts.push(now)
        return
      }
      await this.sleep(this.starts[0] + windowMs - now)
    }
  }
}
