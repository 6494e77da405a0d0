import type { Logger } from "@medusajs/framework/types"
import type { ClaimedSyncRecord } from "../modules/integration-hub/service"

/** What a run's code reads to know it still holds its record. */
export type LeaseHold = { readonly lost: boolean }

type LeaseStore = { extendLease(id: string, token: string, leaseMs: number): Promise<boolean> }

/**
 * Keeps a run's lease alive (every third of it) while the run works. The signal aborts as soon as the lease is
 * lost: the database says the run no longer holds the record, or no extension has succeeded for a whole lease
 * (the database is unreachable, so another instance may already have taken the record over). The HTTP layer then
 * refuses the run's next vendor call.
 */
export function holdLease(hub: LeaseStore, claimed: Pick<ClaimedSyncRecord, "id" | "claim_token">, leaseMs: number, logger?: Pick<Logger, "warn">) {
  const controller = new AbortController()
  let heldUntil = Date.now() + leaseMs
  const lose = (why: string) => {
    if (controller.signal.aborted) return
    controller.abort()
    logger?.warn(`integration-hub: sync record ${claimed.id} lost its lease (${why}); the run stops before its next vendor call`)
  }
  const heartbeat = setInterval(() => {
    const asked = Date.now()
    if (asked >= heldUntil) return lose("no extension succeeded for a whole lease")
    hub.extendLease(claimed.id, claimed.claim_token, leaseMs).then(
      (held) => (held ? (heldUntil = asked + leaseMs) : lose("another run holds the record")),
      (err: unknown) => {
        if (Date.now() >= heldUntil) lose(`the lease could not be extended: ${err instanceof Error ? err.message : String(err)}`)
      }
    )
  }, Math.max(1_000, Math.floor(leaseMs / 3)))
  heartbeat.unref()
  // Read at each vendor call: past the lease's end the run is out even before a heartbeat says so (a process that
  // stalled longer than its lease must not send the call it was about to make when it wakes).
  const hold: LeaseHold = { get lost() { return controller.signal.aborted || Date.now() >= heldUntil } }
  return { hold, signal: controller.signal, release: () => clearInterval(heartbeat) }
}
