// The traffic of `npm run faults`: storefront checkouts through the Store API, a few at a time, and re-deliveries
// of `order.placed` through the demo store's dev route (POST /admin/dev/events), shuffled across orders.
// Both wait while the store is down (killed and restarting) instead of counting that as a failure.
import { DEMO_ADDRESS } from "../../demo/storefront.mjs"

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
/** Checkout attempts per order: a checkout cut off by a kill is placed again (with a new e-mail) after the restart. */
const CHECKOUT_ATTEMPTS = 3
/** More checkouts failing in a row than this means the store is broken, not faulty: stop instead of grinding on. */
const MAX_FAILURES_IN_A_ROW = 20

/** The e-mail of one checkout attempt: every order has its own customer, so a duplicated party is the adapter's doing. */
export const orderEmail = (i, attempt) => `faults-${i}.${attempt}@example.com`
/** Matches every e-mail `orderEmail` makes (for Tryton's party search). */
export const ORDER_EMAIL_PATTERN = "faults-%@example.com"

/** Lets checkouts and re-deliveries wait while the store is down: open, closed (they wait) or aborted (they fail). */
export function createGate() {
  let opened = Promise.resolve()
  let pending = null
  return {
    wait: () => opened,
    close() {
      if (pending) return
      opened = new Promise((resolve, reject) => (pending = { resolve, reject }))
      opened.catch(() => {}) // an abort nobody waits for is not an unhandled rejection
    },
    open() {
      pending?.resolve()
      pending = null
    },
    /** The store will not come back: everything waiting fails with `err`. */
    abort(err) {
      this.close()
      pending.reject(err)
      pending = null
    },
  }
}

/** Fisher-Yates with the run's PRNG: re-deliveries arrive out of order, reproducibly. */
export function shuffle(items, random) {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/**
 * Places `count` orders, `concurrency` at a time, alternating the two products Tryton knows; with `intervalMs`, a
 * checkout starts at most every `intervalMs` (a store's order rate; 0: as fast as the checkouts go). Calls
 * `onPlaced(n)` after the n-th order (for milestones such as the outage and the kills). Returns the placed orders,
 * the checkouts that failed for good and how many checkout attempts failed and were made again.
 */
export async function placeOrders({ client, seed, count, concurrency, gate, onPlaced, intervalMs = 0 }) {
  const placed = []
  const failed = []
  let retried = 0
  let next = 0
  let failuresInARow = 0
  let nextStart = Date.now()
  const products = [seed.variants["Blue shirt"], seed.variants["Red mug"]]

  /** Waits for the next start of the order rate (a pause of the store does not bunch the orders up after it). */
  async function paced() {
    if (!intervalMs) return
    const at = Math.max(nextStart, Date.now())
    nextStart = at + intervalMs
    await sleep(at - Date.now())
  }

  async function placeOne(i) {
    let lastError
    await paced()
    for (let attempt = 1; attempt <= CHECKOUT_ATTEMPTS; attempt++) {
      await gate.wait()
      try {
        const order = await client.checkout({
          regionId: seed.regionId,
          email: orderEmail(i, attempt),
          items: [{ variant_id: products[i % 2], quantity: 1 }],
          address: DEMO_ADDRESS,
        })
        failuresInARow = 0
        return { id: order.id, email: orderEmail(i, attempt), placedAt: Date.now() }
      } catch (err) {
        lastError = err
        if (attempt < CHECKOUT_ATTEMPTS) retried++
        await sleep(1000)
      }
    }
    if (++failuresInARow > MAX_FAILURES_IN_A_ROW) throw new Error(`${failuresInARow} checkouts failed in a row; the last: ${lastError.message}`)
    failed.push({ index: i, error: lastError.message })
    return null
  }

  async function worker() {
    while (next < count) {
      let order
      try {
        order = await placeOne(next++)
      } catch (err) {
        next = count // the other workers stop too
        throw err
      }
      if (!order) continue
      placed.push(order)
      onPlaced(placed.length, order)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { placed, failed, retried }
}

/**
 * Re-delivers `order.placed` `times` more times for every order given to `add()`: every `everyMs` it emits a
 * shuffled sample of what is queued (across orders, so deliveries arrive out of order), and `flush()` emits the
 * rest. A batch the store did not take (it was down) goes back into the queue.
 */
export function createRedeliverer({ admin, gate, random, times = 2, batch = 100, everyMs = 2_000 }) {
  let queue = []
  let emitted = 0
  let stopped = false

  async function emit(ids) {
    try {
      await gate.wait()
      await admin.request("POST", "/admin/dev/events", { events: ids.map((id) => ({ name: "order.placed", data: { id } })) })
      emitted += ids.length
    } catch {
      queue.push(...ids)
    }
  }

  async function drip() {
    while (!stopped) {
      await sleep(everyMs)
      if (stopped || !queue.length) continue
      queue = shuffle(queue, random)
      await emit(queue.splice(0, batch))
    }
  }
  const running = drip()

  return {
    add(orderId) {
      for (let i = 0; i < times; i++) queue.push(orderId)
    },
    /** Stops the drip and emits everything still queued, shuffled (bounded: a few rounds at most). */
    async flush() {
      stopped = true
      await running
      for (let round = 0; round < 5 && queue.length; round++) {
        queue = shuffle(queue, random)
        while (queue.length) {
          const before = queue.length
          await emit(queue.splice(0, batch))
          if (queue.length >= before) break
        }
        if (queue.length) await sleep(2_000)
      }
      return { emitted, notEmitted: queue.length }
    },
  }
}
