import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { keepDraining, runRecords } from "./engine"
import { hubOf } from "./hub"

/**
 * Pauses a connection from the admin (with staff's reason) or resumes it, for every instance within seconds: while
 * paused its effects are still recorded (nothing is lost) but none runs, and retries wait; once resumed, the retry
 * drain runs what waited at once, oldest first. A connection disabled in medusa-config stays so: that is the config's to change.
 */
export async function setConnectionPaused(container: MedusaContainer, connectionId: string, paused: boolean, actorId: string | null, reason: string | null) {
  const hub = hubOf(container)
  const connection = hub.getConnection(connectionId)
  if (!connection.enabled) {
    const where = hub.catalog.sourceOf(connectionId) === "stored" ? "in its Settings" : "in medusa-config (connections[].enabled)"
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" is disabled ${where}, which pausing or resuming here does not change`)
  }
  const changed = await hub.switches.setPaused(connectionId, paused, actorId, paused ? reason : null)
  const pause = await hub.switches.pauseOf(connectionId)
  if (changed && !paused) resumeWaiting(container, connectionId)
  if (changed) {
    await hub.catalog.audit({ connection_id: connectionId, action: paused ? "pause" : "resume", actor_id: actorId, changed: null, note: paused ? reason : null })
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(`integration-hub: connection "${connectionId}" ${paused ? `paused${reason ? ` (${reason})` : ""}` : "resumed"}${actorId ? ` by ${actorId}` : ""}`)
  }
  return {
    connection_id: connectionId,
    paused: pause !== null,
    pause,
    message: changed
      ? paused ? `Connection "${connectionId}" is paused: its records wait until it is resumed` : `Connection "${connectionId}" is resumed: what waited runs now, oldest first`
      : `Connection "${connectionId}" was already ${paused ? "paused" : "running"}`,
  }
}

/** Most records a resume runs at once; the retry job takes the rest. */
const RESUME_BATCH = 500

/**
 * Runs what waited while the connection was paused, in the background: its pending records at once (their
 * subscribers gave up on them while it was paused), then the drain for the retries that came due meanwhile.
 */
function resumeWaiting(container: MedusaContainer, connectionId: string): void {
  const hub = hubOf(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  void (async () => {
    const rows = await hub.execute<{ id: string }>(
      `SELECT id FROM sync_record WHERE deleted_at IS NULL AND connection_id = ? AND status = 'pending' ORDER BY updated_at LIMIT ?`,
      [connectionId, RESUME_BATCH]
    )
    await runRecords(container, rows.map((r) => r.id), "retry", 4)
    keepDraining(container)
  })().catch((err) => logger.warn(`integration-hub: could not run what waited on connection "${connectionId}": ${(err as Error).message}`))
}
