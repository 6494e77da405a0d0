import { AsyncLocalStorage, AsyncResource } from "node:async_hooks"

type Waiter<I, O> = { input: I; resolve: (out: O) => void; reject: (err: unknown) => void; context: AsyncResource }
type Queue<I, O> = { waiters: Array<Waiter<I, O>>; flush: (inputs: I[]) => Promise<Array<O | Error>>; max: number }

/**
 * Runs that may share external calls. The engine runs the pending records of a batchable operation side by side
 * in one group; a provider call made through `joinBatch` waits until every run still going in the group has
 * either reached a batch or finished, then one call serves all the inputs waiting under its key (or as soon as
 * `max` inputs wait). Nothing waits on a clock: a batch is exactly the runs that got there, so the group cannot
 * stall and the same runs always make the same batch. Each run gets its own answer, or its own error.
 * A run joins one batch at a time (its calls are sequential), which is how workflow steps call providers.
 */
class BatchGroup {
  private active = 0
  private waiting = 0
  private readonly queues = new Map<string, Queue<unknown, unknown>>()

  async run(runs: Array<() => Promise<void>>): Promise<void> {
    this.active = runs.length
    await Promise.all(
      runs.map(async (run) => {
        try {
          await run()
        } finally {
          this.active--
          this.flushIfAllWait()
        }
      })
    )
  }

  join<I, O>(key: string, input: I, flush: (inputs: I[]) => Promise<Array<O | Error>>, max: number): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const queue = (this.queues.get(key) as Queue<I, O> | undefined) ?? { waiters: [], flush, max }
      this.queues.set(key, queue as Queue<unknown, unknown>)
      // The call is made in the first waiter's context: its log rows belong to that run's record.
      queue.waiters.push({ input, resolve, reject, context: new AsyncResource("integration-hub.batch") })
      this.waiting++
      if (queue.waiters.length >= queue.max) this.flush(key)
      else this.flushIfAllWait()
    })
  }

  private flushIfAllWait() {
    if (this.waiting === 0 || this.waiting < this.active) return
    for (const key of [...this.queues.keys()]) this.flush(key)
  }

  private flush(key: string) {
    const queue = this.queues.get(key)
    if (!queue?.waiters.length) return
    this.queues.delete(key)
    const waiters = queue.waiters
    this.waiting -= waiters.length
    const settle = (answers: Array<unknown | Error>) =>
      waiters.forEach((w, i) => {
        const answer = answers[i]
        if (answer instanceof Error) w.reject(answer)
        else if (answer === undefined) w.reject(new Error(`batch "${key}" gave no answer for input ${i + 1} of ${waiters.length}`))
        else w.resolve(answer)
      })
    waiters[0].context
      .runInAsyncScope(() => queue.flush(waiters.map((w) => w.input)))
      .then(settle, (err: unknown) => waiters.forEach((w) => w.reject(err)))
      .finally(() => waiters.forEach((w) => w.context.emitDestroy()))
  }
}

const storage = new AsyncLocalStorage<BatchGroup>()

/** Runs these side by side as one batch group (see BatchGroup); resolves when all have finished. */
export function runAsBatchGroup(runs: Array<() => Promise<void>>): Promise<void> {
  const group = new BatchGroup()
  return storage.run(group, () => group.run(runs))
}

/**
 * `flush` for the inputs of every run of the group waiting under `key` (one answer per input, in order; an Error
 * fails that input only; a throw fails them all). Outside a group it is a batch of one.
 */
export async function joinBatch<I, O>(key: string, input: I, flush: (inputs: I[]) => Promise<Array<O | Error>>, max = 100): Promise<O> {
  const group = storage.getStore()
  if (!group) {
    const [answer] = await flush([input])
    if (answer instanceof Error) throw answer
    return answer
  }
  return group.join(key, input, flush, max)
}
