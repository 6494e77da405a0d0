import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { startBackfill } from "./backfill"
import { hubOf } from "./hub"
import { cleanDays } from "./reconcile"

/**
 * Each connection's way from shadow to live: its mode (as configured, and as staff switched it), its last
 * reconciliations with their drift, how many days in a row they were clean (and how many the connection asks for),
 * what shadow mode held back, and its backfills.
 */
export async function cutoverView(container: MedusaContainer) {
  const hub = hubOf(container)
  const switches = await hub.switches.modeSwitches()
  const connections = hub.listConnections().filter((c) => c.kind !== "shipping")
  return Promise.all(
    connections.map(async (c) => {
      const [runs, held, open, backfills, clean] = await Promise.all([
        hub.listReconciliationRuns({ connection_id: c.id }, { order: { created_at: "DESC" }, take: 10 }),
        hub.execute<{ operation: string; count: string }>(
          `SELECT entity_type || '.' || operation AS operation, count(*) AS count FROM sync_record
            WHERE connection_id = ? AND deleted_at IS NULL AND status = 'skipped' AND skip_code = 'shadow' GROUP BY 1`,
          [c.id]
        ),
        hub.execute<{ count: string }>(`SELECT count(*) AS count FROM drift_item WHERE connection_id = ? AND status = 'open' AND deleted_at IS NULL`, [c.id]),
        hub.listBackfillRuns({ connection_id: c.id }, { order: { created_at: "DESC" }, take: 5 }),
        cleanDays(hub, c.id),
      ])
      const heldBack = Object.fromEntries(held.map((h) => [h.operation, Number(h.count)]))
      const change = switches.get(c.id)
      return {
        id: c.id,
        kind: c.kind,
        provider: c.provider,
        enabled: c.enabled,
        mode: change?.mode ?? c.mode,
        configured_mode: c.mode,
        mode_changed_at: change?.changed_at ?? null,
        mode_changed_by: change?.changed_by ?? null,
        legacy_match: c.legacyMatch ?? null,
        reconciliation: { ...c.reconciliation, clean_days: clean, ready: clean >= c.reconciliation.cleanDaysToGoLive },
        runs,
        open_drift: Number(open[0]?.count ?? 0),
        /** What shadow mode held back, per operation ("order.create": 12, …). */
        held_back: heldBack,
        backfills,
      }
    })
  )
}

/**
 * Switches a connection's mode. To live: the orders held back in shadow mode go out as a backfill (each linked when
 * the legacy integration wrote it, legacyMatch, created otherwise), visible, stoppable and rate-limited like any
 * backfill; other held-back effects (payments, cancels, labels, contacts, deals) stay skipped: the legacy
 * integration made them, and staff can send one from its record. To shadow: nothing more is written from now on.
 */
export async function switchConnectionMode(container: MedusaContainer, connectionId: string, mode: "live" | "shadow", actorId: string | null) {
  const hub = hubOf(container)
  const connection = hub.getConnection(connectionId)
  if (mode === "live" && connection.kind === "erp" && !connection.enabled) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" is disabled: enable it (connections[].enabled) before it goes live`)
  }
  const before = await hub.switches.switchMode(connectionId, mode, actorId)
  if (before !== mode) await hub.catalog.audit({ connection_id: connectionId, action: "mode", actor_id: actorId, changed: null, note: `${before} → ${mode}` })
  if (mode === "shadow" || before === "live") {
    return { mode, backfill: null, message: before === mode ? `"${connectionId}" was ${mode} already` : `"${connectionId}" is in shadow mode now: it validates and logs, and writes nothing to ${connectionId}` }
  }
  const backfill = connection.kind === "erp"
    ? await startBackfill(container, { connection_id: connectionId, selection: { shadow_skipped: true }, dry_run: false, actor_id: actorId })
    : null
  const others = await hub.execute<{ count: string }>(
    `SELECT count(*) AS count FROM sync_record WHERE connection_id = ? AND deleted_at IS NULL AND status = 'skipped' AND skip_code = 'shadow' AND NOT (entity_type = 'order' AND operation = 'create')`,
    [connectionId]
  )
  const kept = Number(others[0]?.count ?? 0)
  return {
    mode,
    backfill,
    message:
      `"${connectionId}" is live: ` +
      (backfill?.total
        ? `${backfill.total} order(s) held back in shadow mode are being sent (those the legacy integration wrote are linked, not created)`
        : "new changes are sent from now on (no order was held back in shadow mode)") +
      (kept ? `; ${kept} other held-back effect(s) stay skipped (the legacy integration made them; send one from its record if it did not)` : ""),
  }
}
