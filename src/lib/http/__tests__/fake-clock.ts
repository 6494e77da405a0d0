/** Lets every promise chain that can run, run: setImmediate fires only once the microtask queue is empty. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Virtual time for code that takes `now` and `sleep`: a sleeper wakes only when `advance` moves the clock to its
 * time, so a test says exactly when each thing happens and never waits for real. Sleepers due at the same moment
 * wake in the order they slept, as Node's timers do.
 */
export class FakeClock {
  private time: number
  private sleepers: Array<{ at: number; wake: () => void }> = []

  constructor(start = 0) {
    this.time = start
  }

  readonly now = (): number => this.time

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake })
    })

  /** Moves time on by `ms`, waking each sleeper due meanwhile at its own moment and letting what it starts run. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    await settle()
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.time = next.at
      next.wake()
      await settle()
    }
    this.time = end
  }

  private nextDue(end: number): { at: number; wake: () => void } | undefined {
    let index = -1
    // The first of the earliest: sleepers due together keep the order they slept in.
    this.sleepers.forEach((s, i) => {
      if (s.at <= end && (index < 0 || s.at < this.sleepers[index].at)) index = i
    })
    return index < 0 ? undefined : this.sleepers.splice(index, 1)[0]
  }
}
