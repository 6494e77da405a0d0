import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { isDone } from "../modules/integration-hub/models/sync-record"
import { dayBounds } from "../lib/accounting-date"
import { ConnectionConfig, timeZoneOf } from "../modules/integration-hub/options"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { ORDER_FIELDS_FOR_ERP } from "../workflows/sync-order-to-erp"
import { applyOrderCorrections } from "../workflows/sync-order-to-erp/corrections"
import { mapOrderForErp, OrderForErp, orderReference } from "../workflows/sync-order-to-erp/order-mapper"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"
import { findLegacySale } from "./legacy-match"
import { syncOperation } from "./operations"

/** Which past orders a backfill takes: placed between two dates, by number, by id, or those skipped in shadow mode. */
export type BackfillSelection = {
  /** Placed on or after this day (YYYY-MM-DD, a day of the connection's time zone). */
  from?: string
  /** Placed on or before this day (YYYY-MM-DD, a day of the connection's time zone), the whole day. */
  to?: string
  order_numbers?: number[]
  order_ids?: string[]
  /** The orders whose sale was skipped while the connection was in shadow mode (the cutover's own selection). */
  shadow_skipped?: boolean
}

/**
 * What happened to (or, in a dry run, would happen to) one order: already sent by the hub; in the ERP with our
 * reference (linked to it); written by the legacy integration (linked, legacyMatch); created; refused before
 * anything is sent (invalid, with why); failed at the ERP (its sync record says why and retries).
 */
export const BACKFILL_OUTCOMES = ["already", "existing", "linked", "created", "invalid", "failed"] as const
export type BackfillOutcome = (typeof BACKFILL_OUTCOMES)[number]
export type BackfillItem = { order_id: string; display_id: number | null; outcome: BackfillOutcome; message: string }
type BackfillRunRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveBackfillRun"]>>

/** The items a run keeps, for the preview: its first ones, and every refused or failed one up to twice as many. */
const BACKFILL_ITEMS_KEPT = 500
/** A `running` run whose heartbeat is older than this was interrupted (its process ended): it may be resumed. */
const HEARTBEAT_STALE_MS = 2 * 60_000
/** Orders read and handled per page (held-back records likewise, paged by key). */
export const BACKFILL_PAGE = 25

const emptyCounts = () => Object.fromEntries(BACKFILL_OUTCOMES.map((o) => [o, 0])) as Record<BackfillOutcome, number>

/**
 * Starts a backfill (or its dry run) of the chosen orders to one ERP connection and returns its run at once; the
 * run goes on in this process (`runBackfill`), its counts moving in the database as it goes.
 */
export async function startBackfill(
  container: MedusaContainer,
  input: { connection_id: string; selection: BackfillSelection; dry_run: boolean; actor_id?: string | null },
  opts: { wait?: boolean; onProgress?: (run: BackfillRunRow) => void } = {}
): Promise<BackfillRunRow> {
  const hub = hubOf(container)
  const connection = backfillConnection(hub, input.connection_id)
  if (!input.dry_run && (await hub.modeOf(connection.id)) === "shadow") {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Connection "${connection.id}" is in shadow mode, where nothing is written to the ERP: run the backfill as a dry run, or switch the connection to live first (Integrations › Cutover)`
    )
  }
  const id = generateEntityId(undefined, "ibf")
  await hub.execute(
    `INSERT INTO backfill_run (id, connection_id, dry_run, selection, status, total, processed, counts, items, actor_id, heartbeat_at)
     VALUES (?, ?, ?, ?::jsonb, 'running', 0, 0, ?::jsonb, '[]'::jsonb, ?, now())`,
    [id, connection.id, input.dry_run, JSON.stringify(input.selection), JSON.stringify(emptyCounts()), input.actor_id ?? null]
  )
  // Counted once the run exists: held-back orders are those held back when it started (its created_at).
  const total = await countSelection(container, connection, await hub.retrieveBackfillRun(id))
  await hub.execute(`UPDATE backfill_run SET total = ? WHERE id = ?`, [total, id])
  const run = await hub.retrieveBackfillRun(id)
  const going = runBackfill(container, id, opts.onProgress)
  if (opts.wait) return going
  going.catch(() => undefined)
  return run
}

/** Asks a running backfill to stop after the order it is on; it can be resumed where it stopped. */
export async function stopBackfill(container: MedusaContainer, id: string): Promise<BackfillRunRow> {
  const hub = hubOf(container)
  await hub.execute(`UPDATE backfill_run SET status = 'stopping', updated_at = now() WHERE id = ? AND status = 'running'`, [id])
  // An interrupted run (no process holds it) stops at once.
  await hub.execute(
    `UPDATE backfill_run SET status = 'stopped', updated_at = now() WHERE id = ? AND status = 'stopping' AND heartbeat_at < now() - (? * interval '1 millisecond')`,
    [id, HEARTBEAT_STALE_MS]
  )
  return hub.retrieveBackfillRun(id)
}

/** Resumes a stopped (or interrupted) backfill from the first order it had not handled. */
export async function resumeBackfill(container: MedusaContainer, id: string, opts: { wait?: boolean; onProgress?: (run: BackfillRunRow) => void } = {}): Promise<BackfillRunRow> {
  const hub = hubOf(container)
  const run = await hub.retrieveBackfillRun(id)
  if (!run.dry_run && (await hub.modeOf(run.connection_id)) === "shadow") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${run.connection_id}" is in shadow mode now: switch it to live to resume this backfill`)
  }
  const [taken] = await hub.execute<{ id: string }>(
    `UPDATE backfill_run SET status = 'running', heartbeat_at = now(), finished_at = NULL, error = NULL, updated_at = now()
      WHERE id = ? AND (status IN ('stopped', 'failed') OR (status IN ('running', 'stopping') AND heartbeat_at < now() - (? * interval '1 millisecond')))
      RETURNING id`,
    [id, HEARTBEAT_STALE_MS]
  )
  if (!taken) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Backfill ${id} is ${run.status === "done" ? "finished" : `${run.status} in another process`}; only a stopped or interrupted backfill can be resumed`)
  }
  const going = runBackfill(container, id, opts.onProgress)
  if (opts.wait) return going
  going.catch(() => undefined)
  return hub.retrieveBackfillRun(id)
}

/**
 * Works through a run's orders, oldest first, from where it stands, one at a time (each through the connection's
 * rate limit, like any sync), writing its counts after each; stops when asked (status "stopping"), when the
 * orders are done, or on an error (status "failed", resumable).
 */
async function runBackfill(container: MedusaContainer, id: string, onProgress?: (run: BackfillRunRow) => void): Promise<BackfillRunRow> {
  const hub = hubOf(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  try {
    for (;;) {
      const run = await hub.retrieveBackfillRun(id)
      onProgress?.(run)
      if (run.status === "stopping") return settle(hub, id, "stopped")
      if (run.status !== "running") return run
      if (hub.stopping) return run
      const connection = backfillConnection(hub, run.connection_id)
      const selection = run.selection as BackfillSelection
      const page = selection.shadow_skipped
        ? await heldBackPage(container, connection, run)
        : { ...(await selectOrders(container, run.connection_id, timeZoneOf(hub.pluginOptions, connection), selection, run.processed, BACKFILL_PAGE)), last: null }
      if (!page.orders.length && !page.last) return settle(hub, id, "done")
      let interrupted = false
      for (const order of page.orders) {
        const item = run.dry_run ? await previewOrder(container, connection, order) : await sendOrder(container, connection, order)
        await hub.execute(
          `UPDATE backfill_run SET processed = processed + 1, heartbeat_at = now(), updated_at = now(), cursor = CASE WHEN ? THEN ? ELSE cursor END,
             counts = jsonb_set(counts, ARRAY[?::text], to_jsonb(COALESCE((counts->>?)::int, 0) + 1)),
             items = CASE WHEN jsonb_array_length(items) < ? OR (? AND jsonb_array_length(items) < ?) THEN items || ?::jsonb ELSE items END
            WHERE id = ?`,
          [page.last !== null, order.id, item.outcome, item.outcome, BACKFILL_ITEMS_KEPT, item.outcome === "invalid" || item.outcome === "failed", BACKFILL_ITEMS_KEPT * 2, JSON.stringify([item]), id]
        )
        const [now] = await hub.execute<{ status: string }>(`SELECT status FROM backfill_run WHERE id = ?`, [id])
        interrupted = now?.status !== "running" || hub.stopping
        if (interrupted) break
      }
      // Past the page's held-back records whose order is gone (or outside the selection's days and numbers).
      if (page.last && !interrupted) await hub.execute(`UPDATE backfill_run SET cursor = ? WHERE id = ? AND (cursor IS NULL OR cursor < ?)`, [page.last, id, page.last])
    }
  } catch (err) {
    const message = redactString((err as Error).message, hubOf(container).connectionSecrets((await hub.retrieveBackfillRun(id)).connection_id))
    logger.warn(`integration-hub: backfill ${id} stopped on an error (resume it once fixed): ${message}`)
    return settle(hub, id, "failed", message)
  }
}

async function settle(hub: IntegrationHubModuleService, id: string, status: "stopped" | "done" | "failed", error: string | null = null) {
  await hub.execute(`UPDATE backfill_run SET status = ?, error = ?, finished_at = now(), updated_at = now() WHERE id = ?`, [status, error, id])
  return hub.retrieveBackfillRun(id)
}

function backfillConnection(hub: IntegrationHubModuleService, connectionId: string): ConnectionConfig {
  const connection = hub.getConnection(connectionId)
  if (connection.kind !== "erp" || !connection.enabled) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Connection "${connectionId}" is ${connection.enabled ? `a ${connection.kind} connection` : "disabled"}: orders are backfilled to an enabled ERP connection`)
  }
  return connection
}

type OrderRow = { id: string; display_id: number | null; created_at: string | Date; status: string }

/**
 * A page of the selection's orders (drafts never), oldest first, and how many the selection holds; `from` and
 * `to` are days of `timeZone` (a day DST starts or ends on is 23 or 25 hours long).
 */
export async function selectOrders(container: MedusaContainer, connectionId: string, timeZone: string, selection: BackfillSelection, skip: number, take: number) {
  const filters: Record<string, unknown> = { status: { $ne: "draft" } }
  if (selection.from || selection.to) {
    filters.created_at = {
      ...(selection.from ? { $gte: dayBounds(selection.from, timeZone).start } : {}),
      ...(selection.to ? { $lt: dayBounds(selection.to, timeZone).end } : {}),
    }
  }
  if (selection.order_numbers?.length) filters.display_id = selection.order_numbers
  if (selection.order_ids) {
    if (!selection.order_ids.length) return { orders: [] as OrderRow[], count: 0 }
    filters.id = selection.order_ids
  }
  const { data, metadata } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "order",
    fields: ["id", "display_id", "created_at", "status"],
    filters,
    pagination: { skip, take, order: { created_at: "ASC", id: "ASC" } },
  })
  return { orders: data as unknown as OrderRow[], count: metadata?.count ?? data.length }
}

/**
 * What shadow mode held back on the connection for a run: order-create records skipped as "shadow", that existed
 * when the run started (its created_at), of the selection's order_ids when it names some. Paged by key (the order
 * id, which Medusa makes time-ordered: oldest first) from the run's cursor, so a page is found by an index alone and
 * orders leaving the held-back state as they are sent move nothing.
 */
function heldBackWhere(run: BackfillRunRow): { sql: string; params: unknown[] } {
  const among = (run.selection as BackfillSelection).order_ids
  return {
    sql: `connection_id = ? AND entity_type = 'order' AND operation = 'create' AND status = 'skipped' AND skip_code = 'shadow'
      AND deleted_at IS NULL AND created_at <= (SELECT created_at FROM backfill_run WHERE id = ?)${among?.length ? ` AND entity_id IN (${among.map(() => "?").join(", ")})` : ""}`,
    params: [run.connection_id, run.id, ...(among ?? [])],
  }
}

/** The next page of held-back orders after the run's cursor, oldest first, and the last held-back record the page read. */
async function heldBackPage(container: MedusaContainer, connection: ConnectionConfig, run: BackfillRunRow, after = run.cursor) {
  const hub = hubOf(container)
  const where = heldBackWhere(run)
  const records = await hub.execute<{ entity_id: string }>(
    `SELECT entity_id FROM sync_record WHERE ${where.sql} AND entity_id > ? ORDER BY entity_id LIMIT ?`,
    [...where.params, after ?? "", BACKFILL_PAGE]
  )
  if (!records.length) return { orders: [] as OrderRow[], count: 0, last: null }
  const selection = { ...(run.selection as BackfillSelection), order_ids: records.map((r) => r.entity_id) }
  const { orders, count } = await selectOrders(container, connection.id, timeZoneOf(hub.pluginOptions, connection), selection, 0, BACKFILL_PAGE)
  // In the records' (the database's) key order, so that the cursor written after each order is where the run stands.
  const position = new Map(selection.order_ids.map((orderId, i) => [orderId, i]))
  return { orders: orders.sort((a, b) => position.get(a.id)! - position.get(b.id)!), count, last: records[records.length - 1].entity_id }
}

/** How many orders the run's selection holds: held-back ones counted in the database (by pages when days or numbers narrow them). */
async function countSelection(container: MedusaContainer, connection: ConnectionConfig, run: BackfillRunRow): Promise<number> {
  const hub = hubOf(container)
  const selection = run.selection as BackfillSelection
  if (!selection.shadow_skipped) return (await selectOrders(container, connection.id, timeZoneOf(hub.pluginOptions, connection), selection, 0, 1)).count
  if (!selection.from && !selection.to && !selection.order_numbers?.length) {
    const where = heldBackWhere(run)
    const [row] = await hub.execute<{ count: string }>(`SELECT count(*) AS count FROM sync_record WHERE ${where.sql}`, where.params)
    return Number(row?.count ?? 0)
  }
  let total = 0
  for (let page = await heldBackPage(container, connection, run, null); page.last; page = await heldBackPage(container, connection, run, page.last)) total += page.count
  return total
}

/** The order's sync record on the connection, if it has one. */
async function createRecordOf(hub: IntegrationHubModuleService, connectionId: string, orderId: string) {
  const [record] = await hub.listSyncRecords({ connection_id: connectionId, entity_type: "order", entity_id: orderId, operation: "create" })
  return record
}

/** A dry run's look at one order: what sending it would do, found by reading only (Medusa and the ERP). */
export async function previewOrder(container: MedusaContainer, connection: ConnectionConfig, row: OrderRow): Promise<BackfillItem> {
  const hub = hubOf(container)
  const item = (outcome: BackfillOutcome, message: string): BackfillItem => ({ order_id: row.id, display_id: row.display_id, outcome, message })
  const record = await createRecordOf(hub, connection.id, row.id)
  if (record && isDone(record.status)) return item("already", `already ${record.status}: sale ${record.external_number ?? record.external_id}`)
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: row.id } })
  try {
    // As the sync workflow sees it: its steps get the order as JSON (Medusa's amounts as numbers).
    const order = JSON.parse(JSON.stringify(data[0])) as OrderForErp
    const draft = mapOrderForErp(applyOrderCorrections(order, record?.corrections as Record<string, string | null> | null), connection.id, timeZoneOf(hub.pluginOptions, connection), connection.orderChecks)
    const erp = hub.getProvider(connection.id, "erp")
    const existing = await erp.findSalesOrderByReference(draft.reference)
    if (existing) return item("existing", `in ${connection.id} already as sale ${existing.number ?? existing.externalId} (our reference ${draft.reference}): would be linked`)
    const legacy = await findLegacySale(erp, connection, draft.orderNumber)
    if (legacy) return item("linked", `written by the legacy integration as sale ${legacy.number ?? legacy.externalId} (${legacy.state}): would be linked, not created`)
    return item("created", `would be created: ${draft.lines.length} line(s), ${draft.total} ${draft.currencyCode.toUpperCase()}`)
  } catch (err) {
    const failure = describeFailure(err)
    if (failure.retryable) throw err
    return item("invalid", redactString(failure.message, hub.connectionSecrets(connection.id)))
  }
}

/** A real run's handling of one order: its ordinary sync record on the connection, run now (a person asked). */
async function sendOrder(container: MedusaContainer, connection: ConnectionConfig, row: OrderRow): Promise<BackfillItem> {
  const hub = hubOf(container)
  const item = (outcome: BackfillOutcome, message: string): BackfillItem => ({ order_id: row.id, display_id: row.display_id, outcome, message })
  const op = syncOperation("order", "create")
  const [record] = await hub.requestEffects([
    { connection_id: connection.id, effect_key: op.effectKey(row.id), entity_type: "order", entity_id: row.id, operation: "create", external_ref: orderReference(row.id), revision: null },
  ])
  if (isDone(record.status)) return item("already", `already ${record.status}`)
  const after = await processSyncRecord(container, record.id, { force: true, trigger: "backfill" })
  const sale = after?.external_number ?? after?.external_id
  if (after?.status === "linked") return item("linked", `linked to sale ${sale} the legacy integration wrote`)
  if (after?.status === "synced") return after.result_summary?.startsWith("found existing") ? item("existing", `linked to sale ${sale}, in the ERP already with our reference`) : item("created", `created sale ${sale}`)
  const why = after?.last_error ?? after?.result_summary ?? "see the order's sync record"
  return item("failed", `${after?.next_attempt_at ? "failed, retrying on its own" : (after?.status ?? "gone")}: ${why}`)
}
