import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { EffectIntent } from "../modules/integration-hub/service"
import { runRecords } from "./engine"
import { hubOf } from "./hub"
import { allSyncOperations, SyncOperation } from "./operations"

/** Each sweep re-reads this much before the previous one's end, for rows committed late. */
export const SWEEP_OVERLAP_MS = 5 * 60_000
const PAGE = 200

/**
 * Catch-up: gives a record to every entity that should have an effect (per registered operation with a
 * `sweep` descriptor) on an enabled connection and has none, then runs it, so no effect depends on an
 * event having arrived. It only looks at entities created after the connection was first enabled (no
 * surprise backfill of a store's history: that is an explicit backfill), and only at those changed since
 * the connection's last sweep (a durable cursor). Events are never limited this way: an order placed between
 * boot and the first sweep is sent by its event. Returns the number of records it created.
 */
export async function sweepMissingSyncs(container: MedusaContainer, now = new Date()): Promise<number> {
  const hub = hubOf(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const ops = allSyncOperations().flatMap(([name, op]) => {
    if (!op.sweep) return []
    const connections = hub.listConnections({ kind: op.kind, enabledOnly: true }).filter((c) => !op.serves || op.serves(c))
    return connections.length ? [{ name, op, sweep: op.sweep, connections }] : []
  })
  const connections = [...new Map(ops.flatMap((o) => o.connections).map((c) => [c.id, c])).values()]
  if (!connections.length) return 0
  // The first sweep that sees a connection enabled records the moment (every minute from boot, by the job).
  const states = await hub.ensureConnectionStates(connections.map((c) => c.id))
  const from = (id: string) => {
    const s = states.get(id)!
    return s.swept_until ? new Date(Math.max(s.swept_until.getTime() - SWEEP_OVERLAP_MS, s.first_enabled_at.getTime())) : s.first_enabled_at
  }

  let created = 0
  for (const entity of new Set(ops.map((o) => o.sweep.entity))) {
    const entityOps = ops.filter((o) => o.sweep.entity === entity)
    const since = new Date(Math.min(...entityOps.flatMap((o) => o.connections.map((c) => from(c.id).getTime()))))
    const fields = [...new Set(["id", "created_at", "updated_at", ...entityOps.flatMap((o) => o.sweep.fields)])]
    for await (const rows of changedSince(query, entity, fields, since)) {
      const wanted: EffectIntent[] = []
      const revisioned: Array<{ intent: EffectIntent; op: SyncOperation }> = []
      for (const row of rows) {
        for (const { name, op, sweep, connections } of entityOps) {
          if (!sweep.wants(row)) continue
          const [entity_type, operation] = name.split(".")
          const entityId = sweep.entityId?.(row) ?? row.id
          const concerned = sweep.connections ? new Set(sweep.connections(row)) : null
          for (const c of connections) {
            if (concerned && !concerned.has(c.id)) continue
            if (new Date(row.created_at) < states.get(c.id)!.first_enabled_at) continue
            const intent = { connection_id: c.id, effect_key: op.effectKey(entityId), entity_type, entity_id: entityId, operation, external_ref: op.externalRef(entityId), revision: null }
            // An effect that repeats with its content is asked for with its current revision: new content runs it again.
            if (op.revision) revisioned.push({ intent, op })
            else wanted.push(intent)
          }
        }
      }
      created += await createMissing(container, wanted)
      created += await requestChanged(container, await withRevisions(container, revisioned))
    }
  }
  await hub.setSweptUntil(connections.map((c) => c.id), now)
  return created
}

type Row = Record<string, unknown> & { id: string; created_at: Date | string; updated_at: Date | string }
type Query = { graph: (q: { entity: string; fields: string[]; filters: Record<string, unknown>; pagination: Record<string, unknown> }) => Promise<{ data: unknown[] }> }

/**
 * The entity's rows changed since `since`, page by page in (updated_at, id) order: each page starts after the last
 * row of the one before (a keyset, not an offset, so rows changing meanwhile shift nothing and ties are not lost).
 * Timestamps come back to the millisecond while the database keeps microseconds: a page starts at the last row's
 * millisecond, leaving out the rows of that millisecond already read.
 */
export async function* changedSince(query: Query, entity: string, fields: string[], since: Date, page = PAGE): AsyncGenerator<Row[]> {
  let from = since
  let seenAtFrom: string[] = []
  for (;;) {
    const { data } = await query.graph({
      entity,
      fields,
      filters: { updated_at: { $gte: from }, ...(seenAtFrom.length ? { id: { $nin: seenAtFrom } } : {}) },
      pagination: { take: page, order: { updated_at: "ASC", id: "ASC" } },
    })
    const rows = data as Row[]
    if (rows.length) yield rows
    if (rows.length < page) return
    const last = new Date(rows[rows.length - 1].updated_at)
    const atLast = rows.filter((r) => new Date(r.updated_at).getTime() === last.getTime()).map((r) => r.id)
    seenAtFrom = last.getTime() === from.getTime() ? [...seenAtFrom, ...atLast] : atLast
    from = last
  }
}

/** The intents with their current revisions: read a page at a time where the operation can (one query, not one per row). */
async function withRevisions(container: MedusaContainer, items: Array<{ intent: EffectIntent; op: SyncOperation }>): Promise<EffectIntent[]> {
  const byOp = new Map<SyncOperation, EffectIntent[]>()
  for (const { intent, op } of items) byOp.set(op, [...(byOp.get(op) ?? []), intent])
  const out: EffectIntent[] = []
  for (const [op, intents] of byOp) {
    const ids = [...new Set(intents.map((i) => i.entity_id))]
    const revisions = op.revisions ? await op.revisions(container, ids) : new Map(await Promise.all(ids.map(async (id) => [id, await op.revision!(container, id)] as const)))
    out.push(...intents.map((i) => ({ ...i, revision: revisions.get(i.entity_id) ?? null })))
  }
  return out
}

/** Records and runs the intents that have no record yet; one failing record does not stop the others. */
async function createMissing(container: MedusaContainer, wanted: EffectIntent[]): Promise<number> {
  if (!wanted.length) return 0
  const hub = hubOf(container)
  const existing = await hub.listSyncRecords(
    { effect_key: [...new Set(wanted.map((w) => w.effect_key))] },
    { select: ["connection_id", "effect_key"] }
  )
  const have = new Set(existing.map((r) => `${r.connection_id}|${r.effect_key}`))
  const missing = wanted.filter((w) => !have.has(`${w.connection_id}|${w.effect_key}`))
  if (!missing.length) return 0
  // In operation order (create before cancel): a canceled order's create is skipped, then the cancel finds nothing.
  const records = await hub.requestEffects(missing)
  await runRecords(container, records.map((r) => r.id), "sweep")
  return missing.length
}

/** Requests effects with their current revision and runs those that are pending now (new, or new content). */
async function requestChanged(container: MedusaContainer, intents: EffectIntent[]): Promise<number> {
  if (!intents.length) return 0
  const unique = [...new Map(intents.map((i) => [`${i.connection_id}|${i.effect_key}`, i])).values()]
  const records = (await hubOf(container).requestEffects(unique)).filter((r) => r.status === "pending")
  await runRecords(container, records.map((r) => r.id), "sweep")
  return records.length
}
