import type { IInventoryService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId, MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { currencyDigits } from "../lib/money"
import { isDone } from "../modules/integration-hub/models/sync-record"
import { ConnectionConfig, inventoryOwner, PluginOptions } from "../modules/integration-hub/options"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import type { ErpProvider, ErpSaleDetail } from "../providers/types"
import { Corrections, applyOrderCorrections } from "../workflows/sync-order-to-erp/corrections"
import { contactEffectKey } from "../workflows/sync-customer-to-crm/contact"
import { OrderForErp, orderReference } from "../workflows/sync-order-to-erp/order-mapper"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"
import { findLegacySale } from "./legacy-match"
import { checkPaymentDrift, describeDrift } from "./payment-drift"
import { syncOperation } from "./operations"
import { importInventoryNow } from "./inventory-schedule"
import { countedReservations } from "../workflows/import-inventory-from-erp/steps/plan-stock-levels"

/** The fixes a drift item may offer: send Medusa's version again, take the other side's, or leave it (with a reason). */
const DRIFT_FIXES = ["resend", "accept", "ignore"] as const
export type DriftFix = (typeof DRIFT_FIXES)[number]

type Drift = { entity_type: string; entity_id: string; kind: string; message: string; details: Record<string, unknown>; fixes: DriftFix[] }
type RunRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveReconciliationRun"]>>
type OrderRow = {
  id: string; display_id: number | null; status: string; currency_code: string
  items?: Array<{ id: string; variant_sku?: string | null; quantity?: unknown; detail?: { quantity?: unknown } | null; total?: unknown } | null> | null
  shipping_methods?: Array<{ total?: unknown } | null> | null
}

/** A run still `running` after this long was cut short (its process ended): another may start. */
const RUN_STALE_MS = 30 * 60_000
const PAGE = 50

/**
 * Compares Medusa with one connection over the last `reconciliation.windowDays` days and records what differs as
 * drift items, each in words with the fixes the source-of-truth matrix allows. ERP: every order placed in the window
 * has its sale with the same total, lines and state (found by the hub's record, our reference, or legacyMatch), and
 * the ERP-owned stock Medusa shows is what the ERP's figures give. Payment gateway: payment states agree (the
 * payment drift check). CRM: each customer and order of the window has its contact and deal. Drift items of the
 * connection's earlier runs are superseded: the latest run is the report.
 */
export async function reconcileConnection(container: MedusaContainer, connectionId: string, opts: { trigger: "schedule" | "manual"; now?: Date; wait?: boolean }): Promise<RunRow> {
  const hub = hubOf(container)
  const connection = hub.getConnection(connectionId)
  if (!connection.enabled || connection.kind === "shipping") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" is ${connection.enabled ? "a shipping connection, which has nothing to reconcile (labels are checked as they are bought)" : "disabled"}`)
  }
  const now = opts.now ?? new Date()
  const from = new Date(now.getTime() - connection.reconciliation.windowDays * 86_400_000)
  const id = generateEntityId(undefined, "irec")
  const [taken] = await hub.execute<{ id: string }>(
    `INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status)
     SELECT ?, ?, ?, ?, ?, 'running'
      WHERE NOT EXISTS (SELECT 1 FROM reconciliation_run WHERE connection_id = ? AND status = 'running' AND deleted_at IS NULL AND created_at > now() - (? * interval '1 millisecond'))
     RETURNING id`,
    [id, connectionId, opts.trigger, from, now, connectionId, RUN_STALE_MS]
  )
  if (!taken) throw new MedusaError(MedusaError.Types.CONFLICT, `A reconciliation of "${connectionId}" is running already; its report appears when it ends`)
  const going = compareAndReport(container, connection, id, from, now)
  if (opts.wait === false) {
    going.catch(() => undefined)
    return hub.retrieveReconciliationRun(id)
  }
  return going
}

async function compareAndReport(container: MedusaContainer, connection: ConnectionConfig, id: string, from: Date, now: Date): Promise<RunRow> {
  const hub = hubOf(container)
  const connectionId = connection.id
  let checked = 0
  const drifts: Drift[] = []
  try {
    const found = connection.kind === "erp"
      ? await reconcileErp(container, connection, from, now)
      : connection.kind === "payment" ? await reconcilePayments(container, connection, from, now) : await reconcileCrm(container, connection, from, now)
    checked = found.checked
    drifts.push(...found.drifts)
  } catch (err) {
    const message = redactString(describeFailure(err).message, hub.connectionSecrets(connectionId))
    await hub.execute(`UPDATE reconciliation_run SET status = 'failed', error = ?, finished_at = now(), updated_at = now() WHERE id = ?`, [message, id])
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: the reconciliation of ${connectionId} failed: ${message}`)
    return hub.retrieveReconciliationRun(id)
  }
  await hub.execute(`UPDATE drift_item SET status = 'superseded', updated_at = now() WHERE connection_id = ? AND status = 'open' AND run_id <> ?`, [connectionId, id])
  for (let i = 0; i < drifts.length; i += 200) {
    const page = drifts.slice(i, i + 200)
    await hub.execute(
      `INSERT INTO drift_item (id, run_id, connection_id, entity_type, entity_id, kind, message, details, fixes)
       VALUES ${page.map(() => "(?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)").join(", ")}`,
      page.flatMap((d) => [generateEntityId(undefined, "irdi"), id, connectionId, d.entity_type, d.entity_id, d.kind, d.message, JSON.stringify(d.details), JSON.stringify(d.fixes)])
    )
  }
  await hub.execute(`UPDATE reconciliation_run SET status = 'done', checked = ?, drift_count = ?, finished_at = now(), updated_at = now() WHERE id = ?`, [checked, drifts.length, id])
  return hub.retrieveReconciliationRun(id)
}

/** Who owns orders by the matrix: Medusa (the default), or this ERP. */
const erpOwnsOrders = (opts: PluginOptions, connection: ConnectionConfig) => [connection.id, "erp"].includes(opts.sourceOfTruth.order ?? "medusa")

async function reconcileErp(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date) {
  const hub = hubOf(container)
  const erp = hub.getProvider(connection.id, "erp")
  const shadow = (await hub.modeOf(connection.id)) === "shadow"
  const erpOwns = erpOwnsOrders(hub.pluginOptions, connection)
  // In shadow mode the legacy integration writes the ERP: drift is for it (or a person) to fix, the hub only reports.
  const resend: DriftFix[] = shadow || erpOwns ? ["ignore"] : ["resend", "ignore"]
  const drifts: Drift[] = []
  let checked = 0
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  for (let skip = 0; ; skip += PAGE) {
    const { data } = await query.graph({
      entity: "order",
      // `total` makes the order module compute the totals of each item and shipping method too.
      fields: ["id", "display_id", "status", "currency_code", "total", "items.id", "items.variant_sku", "items.quantity", "items.detail.quantity", "items.total", "shipping_methods.total"],
      filters: { status: { $ne: "draft" }, created_at: { $gte: from, $lte: to } },
      pagination: { skip, take: PAGE, order: { created_at: "ASC", id: "ASC" } },
    })
    const orders = data as unknown as OrderRow[]
    if (!orders.length) break
    const records = new Map(
      (await hub.listSyncRecords({ connection_id: connection.id, entity_type: "order", operation: "create", entity_id: orders.map((o) => o.id) })).map((r) => [r.entity_id, r])
    )
    for (const row of orders) {
      checked += 1
      const record = records.get(row.id)
      // As the hub sent it: with the corrections staff made to its data (edit-and-retry), as JSON (amounts as numbers).
      const order = applyOrderCorrections(JSON.parse(JSON.stringify(row)) as OrderForErp, record?.corrections as Corrections | null) as unknown as OrderRow
      const label = `Order #${order.display_id ?? order.id}`
      const drift = (kind: string, message: string, details: Record<string, unknown>, fixes: DriftFix[]) =>
        drifts.push({ entity_type: "order", entity_id: order.id, kind, message, details, fixes })
      const canceled = order.status === "canceled"
      let sale: ErpSaleDetail | null = null
      if (record && isDone(record.status) && record.external_id) {
        sale = await readSale(erp, record.external_id, record.external_number)
        if (!sale) {
          drift("deleted", `${label}: its sale ${record.external_number ?? record.external_id} is no longer in ${connection.id} (deleted there)`, { sale: record.external_number ?? record.external_id }, canceled ? ["ignore"] : resend)
          continue
        }
      } else {
        let found
        try {
          found = (await erp.findSalesOrderByReference(orderReference(order.id))) ?? (await findLegacySale(erp, connection, String(order.display_id ?? order.id)))
        } catch (err) {
          drift("missing", `${label}: ${describeFailure(err).message}`, {}, ["ignore"])
          continue
        }
        if (!found) {
          if (!canceled) drift("missing", `${label} is not in ${connection.id}: no sale carries ${orderReference(order.id)}${connection.legacyMatch ? ` or matches legacyMatch` : ""}`, {}, resend)
          continue
        }
        sale = await readSale(erp, found.externalId, found.number)
        if (!sale) continue
      }
      const saleLabel = `sale ${sale.number ?? sale.externalId}`
      if (sale.state === "cancelled" && !canceled) {
        drift("state", `${label} is open in Medusa, but its ${saleLabel} is cancelled in ${connection.id}`, { medusa: order.status, erp: sale.state }, shadow ? ["ignore"] : erpOwns ? ["accept", "ignore"] : ["resend", "ignore"])
        continue
      }
      if (canceled) {
        if (sale.state !== "cancelled") drift("state", `${label} is canceled in Medusa, but its ${saleLabel} is still ${sale.state} in ${connection.id}`, { medusa: order.status, erp: sale.state }, resend)
        continue
      }
      // What was sold: the items and shipping (refunds are the ERP's credit notes, not a smaller sale).
      const total = amountOf(MathBN.sum(...[...(order.items ?? []), ...(order.shipping_methods ?? [])].map((l) => MathBN.convert((l?.total ?? 0) as number))), order.currency_code)
      if (sale.total !== null && amountOf(sale.total, order.currency_code) !== total) {
        const erpTotal = amountOf(sale.total, order.currency_code)
        drift("total", `${label}: ${connection.id}'s ${saleLabel} totals ${erpTotal} ${order.currency_code.toUpperCase()}, Medusa's order ${total}`, { medusa: total, erp: erpTotal }, resend)
      }
      const lineDiffs = compareLines(order, sale)
      if (lineDiffs.length) {
        drift("lines", `${label}: the lines of ${saleLabel} differ: ${lineDiffs.map((d) => `${d.sku} ${d.medusa} in Medusa, ${d.erp} in ${connection.id}`).join("; ")}`, { lines: lineDiffs }, resend)
      }
    }
  }
  const owner = inventoryOwner(hub.pluginOptions)
  if (owner?.id === connection.id) {
    const stock = await reconcileStock(container, connection, erp)
    checked += stock.checked
    drifts.push(...stock.drifts)
  }
  return { checked, drifts }
}

/** The sale as the ERP has it now; a provider that cannot read one answers with what its reference lookup knows. */
async function readSale(erp: ErpProvider, externalId: string, number: string | null): Promise<ErpSaleDetail | null> {
  if (erp.getSalesOrder) return erp.getSalesOrder(externalId)
  return { externalId, number, reference: "", state: "confirmed", total: null, currencyCode: null, lines: [] }
}

/** An amount with the currency's precision, as text ("45.00"). */
const amountOf = (v: unknown, currency: string) => MathBN.convert((v ?? 0) as number).toFixed(currencyDigits(currency))

function compareLines(order: OrderRow, sale: ErpSaleDetail) {
  if (!sale.lines.length && sale.total === null) return []
  const medusa = new Map<string, number>()
  for (const item of order.items ?? []) {
    if (!item?.variant_sku) continue
    medusa.set(item.variant_sku, (medusa.get(item.variant_sku) ?? 0) + Number(item.detail?.quantity ?? item.quantity ?? 0))
  }
  const erp = new Map(sale.lines.map((l) => [l.sku, l.quantity]))
  return [...new Set([...medusa.keys(), ...erp.keys()])].sort()
    .filter((sku) => (medusa.get(sku) ?? 0) !== (erp.get(sku) ?? 0))
    .map((sku) => ({ sku, medusa: medusa.get(sku) ?? 0, erp: erp.get(sku) ?? 0 }))
}

/**
 * ERP-owned stock: for each level the imports set, what an import would set now (the ERP's forecast, plus Medusa's
 * reservations of orders the ERP holds, as the import counts them) should be what Medusa stocks. A difference is a
 * change one side has not taken (an edit in Medusa, a change in the ERP not imported yet). The ERP owns stock: the
 * fix is to take its figures (a full import).
 */
async function reconcileStock(container: MedusaContainer, connection: ConnectionConfig, erp: ErpProvider) {
  const hub = hubOf(container)
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const drifts: Drift[] = []
  let checked = 0
  const size = connection.inventory.batchSize
  for (let after = ""; ; ) {
    const rows = await hub.execute<{ location_id: string; sku: string; inventory_item_id: string }>(
      `SELECT location_id, sku, inventory_item_id FROM erp_stock_level
        WHERE connection_id = ? AND deleted_at IS NULL AND (location_id || '|' || sku) > ? ORDER BY location_id || '|' || sku LIMIT ?`,
      [connection.id, after, size]
    )
    if (!rows.length) break
    after = `${rows[rows.length - 1].location_id}|${rows[rows.length - 1].sku}`
    const byLocation = new Map<string, typeof rows>()
    rows.forEach((r) => byLocation.set(r.location_id, [...(byLocation.get(r.location_id) ?? []), r]))
    for (const [locationId, levels] of byLocation) {
      const warehouse = connection.inventory.locations?.[locationId] ?? null
      const current = await erp.getStockLevels(levels.map((l) => l.sku), { warehouse })
      const medusa = new Map(
        (await inventory.listInventoryLevels({ inventory_item_id: levels.map((l) => l.inventory_item_id), location_id: locationId }, { select: ["inventory_item_id", "stocked_quantity"] }))
          .map((l) => [l.inventory_item_id, Number(l.stocked_quantity)])
      )
      const counted = await countedReservations(container, connection.id, locationId, levels.map((l) => l.inventory_item_id))
      for (const level of levels) {
        checked += 1
        const erpLevel = current[level.sku]
        const reserved = counted.get(level.inventory_item_id) ?? 0
        const expected = erpLevel ? Math.max(0, Math.floor(erpLevel.forecast) + reserved) : null
        const stocked = medusa.get(level.inventory_item_id) ?? null
        if (expected === stocked) continue
        drifts.push({
          entity_type: "inventory_item", entity_id: level.inventory_item_id, kind: "stock",
          message: expected === null
            ? `SKU ${level.sku} at ${locationId}: ${connection.id} no longer has it, Medusa stocks ${stocked}`
            : `SKU ${level.sku} at ${locationId}: Medusa stocks ${stocked ?? "nothing"}, ${connection.id}'s figures give ${expected} (forecast ${Math.floor(erpLevel!.forecast)} + ${reserved} reserved by orders it holds)`,
          details: { sku: level.sku, location_id: locationId, medusa: stocked, erp: expected },
          fixes: ["accept", "ignore"],
        })
      }
    }
  }
  return { checked, drifts }
}

async function reconcilePayments(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date) {
  const hub = hubOf(container)
  const result = await checkPaymentDrift(container, { since: from, until: to }, { connectionId: connection.id })
  const open = await hub.listPaymentDrifts({ connection_id: connection.id, resolved_at: null })
  // The gateway owns payment state; what Medusa records of it is Medusa's payment flow: the hub reports, staff decide.
  const drifts: Drift[] = open.map((d) => ({
    entity_type: "payment", entity_id: d.payment_id, kind: "payment", message: describeDrift(d),
    details: { field: d.field, medusa: d.medusa_value, gateway: d.gateway_value, order_id: d.order_id }, fixes: ["ignore"],
  }))
  for (const e of result.errors) drifts.push({ entity_type: "payment", entity_id: e.payment_id, kind: "payment", message: e.message, details: {}, fixes: ["ignore"] })
  return { checked: result.checked, drifts }
}

/**
 * CRM: the window's customers each have their contact, its orders each their deal: synced by the hub, and still in
 * the CRM (when its provider can tell).
 */
async function reconcileCrm(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date) {
  const hub = hubOf(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const shadow = (await hub.modeOf(connection.id)) === "shadow"
  const drifts: Drift[] = []
  let checked = 0
  for (const [entity, operation, what] of [["customer", "contact", "contact"], ["order", "deal", "deal"]] as const) {
    for (let skip = 0; ; skip += PAGE) {
      const filters = entity === "order" ? { status: { $ne: "draft" }, created_at: { $gte: from, $lte: to } } : { created_at: { $gte: from, $lte: to } }
      const { data } = await query.graph({ entity, fields: ["id", ...(entity === "order" ? ["display_id"] : [])], filters, pagination: { skip, take: PAGE, order: { created_at: "ASC", id: "ASC" } } })
      const rows = data as unknown as Array<{ id: string; display_id?: number }>
      if (!rows.length) break
      const records = new Map((await hub.listSyncRecords({ connection_id: connection.id, entity_type: entity, operation, entity_id: rows.map((r) => r.id) })).map((r) => [r.entity_id, r]))
      const crm = hub.getProvider(connection.id, "crm")
      const ids = [...records.values()].flatMap((r) => (isDone(r.status) && r.external_id ? [r.external_id] : []))
      const present = crm.existingRecords && ids.length ? await crm.existingRecords(what, ids) : null
      for (const row of rows) {
        checked += 1
        const record = records.get(row.id)
        const label = entity === "order" ? `Order #${row.display_id ?? row.id}` : `Customer ${row.id}`
        if (record && isDone(record.status)) {
          if (present && record.external_id && !present.has(record.external_id)) {
            drifts.push({ entity_type: entity, entity_id: row.id, kind: what, message: `${label}: its ${what} ${record.external_id} is no longer in ${connection.id} (deleted there)`, details: { external_id: record.external_id }, fixes: shadow ? ["ignore"] : ["resend", "ignore"] })
          }
          continue
        }
        const why = record ? `its ${what} sync is ${record.status}${record.last_error ? `: ${record.last_error}` : record.result_summary ? ` (${record.result_summary})` : ""}` : `it has no ${what} sync`
        drifts.push({ entity_type: entity, entity_id: row.id, kind: what, message: `${label} has no ${what} in ${connection.id}: ${why}`, details: { status: record?.status ?? null }, fixes: shadow ? ["ignore"] : ["resend", "ignore"] })
      }
    }
  }
  return { checked, drifts }
}

/**
 * Applies one of a drift item's offered fixes, on a person's request, and keeps on the item who chose which and what
 * it did (or, to ignore, why). The item stays open when the fix fails, saying why.
 */
export async function applyDriftFix(container: MedusaContainer, id: string, input: { fix: DriftFix; reason?: string | null; actor_id: string | null }) {
  const hub = hubOf(container)
  const item = await hub.retrieveDriftItem(id)
  const fixes = item.fixes as unknown as DriftFix[]
  if (item.status !== "open") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Drift item ${id} is ${item.status} already`)
  if (!fixes.includes(input.fix)) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `"${input.fix}" is not a fix this drift allows (${fixes.join(", ")}): ${item.message}`)
  }
  if (input.fix === "ignore" && !input.reason?.trim()) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Say why this drift is ignored (reason): ${item.message}`)
  const note = input.fix === "ignore" ? input.reason!.trim() : await fix(container, item, input.fix)
  await hub.updateDriftItems({ id, status: input.fix === "ignore" ? "ignored" : "fixed", resolution: input.fix, note, actor_id: input.actor_id, resolved_at: new Date() })
  return hub.retrieveDriftItem(id)
}

type ItemRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveDriftItem"]>>

async function fix(container: MedusaContainer, item: ItemRow, chosen: "resend" | "accept"): Promise<string> {
  const hub = hubOf(container)
  const details = (item.details ?? {}) as Record<string, unknown>
  if (item.kind === "stock") {
    const record = await importInventoryNow(container, { full: true })
    if (!record || !isDone(record.status)) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The stock import did not finish: ${record?.last_error ?? "no ERP connection owns inventory"}`)
    return `took ${item.connection_id}'s figures: full stock import (${record.result_summary})`
  }
  if (item.kind === "contact" || item.kind === "deal") {
    // One deleted in the CRM is made again: its record forgets the old id (and, for a contact, what both sides held).
    const gone = typeof details.external_id === "string"
    if (gone && item.kind === "contact") await hub.saveBaseline(item.connection_id, contactEffectKey(item.entity_id), null)
    return describeRun(await runEffect(container, item.connection_id, item.entity_type, item.kind, item.entity_id, { reset: gone }))
  }
  if (item.entity_type !== "order") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Drift of kind "${item.kind}" has no fix but ignore`)
  if (chosen === "accept") {
    // sourceOfTruth.order is this ERP, and it cancelled the sale: the Medusa order follows.
    await cancelOrderWorkflow(container).run({ input: { order_id: item.entity_id, canceled_by: "integration-hub" } })
    return `canceled the Medusa order, as ${item.connection_id} (which owns orders) cancelled its sale`
  }
  if (item.kind === "state" && details.medusa === "canceled") {
    return describeRun(await runEffect(container, item.connection_id, "order", "cancel", item.entity_id, { reset: false }))
  }
  const [record] = await hub.listSyncRecords({ connection_id: item.connection_id, entity_type: "order", operation: "create", entity_id: item.entity_id })
  let replaced = ""
  if ((item.kind === "total" || item.kind === "lines") && record?.external_id) {
    // The ERP's sale no longer says what Medusa sold: it is cancelled with the ERP's own cancel, and Medusa's made anew.
    const erp = hub.getProvider(item.connection_id, "erp")
    const cancelled = await erp.cancelSalesOrder(record.external_id)
    replaced = `${cancelled.summary}; `
  }
  return replaced + describeRun(await runEffect(container, item.connection_id, "order", "create", item.entity_id, { reset: true }))
}

/**
 * Runs the effect on this connection now (creating its record if it has none); `reset` first forgets the external
 * record it points to (deleted or replaced), so the run makes a new one.
 */
async function runEffect(container: MedusaContainer, connectionId: string, entityType: string, operation: string, entityId: string, opts: { reset: boolean }) {
  const hub = hubOf(container)
  const op = syncOperation(entityType, operation)
  const revision = op.revision ? await op.revision(container, entityId) : null
  const [record] = await hub.requestEffects([{ connection_id: connectionId, effect_key: op.effectKey(entityId), entity_type: entityType, entity_id: entityId, operation, external_ref: op.externalRef(entityId), revision }])
  if (opts.reset) {
    await hub.execute(
      `UPDATE sync_record SET status = 'pending', external_id = NULL, external_number = NULL, synced_revision = NULL, attempts = 0, next_attempt_at = NULL, failing_since = NULL, skip_code = NULL, updated_at = now()
        WHERE id = ? AND status <> 'running'`,
      [record.id]
    )
  } else if (isDone(record.status)) {
    await hub.requeueSettledRecords(connectionId, [op.effectKey(entityId)])
  }
  const after = await processSyncRecord(container, record.id, { force: true, trigger: "reconciliation" })
  if (!after || !isDone(after.status)) {
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The ${entityType} ${operation} on ${connectionId} did not go through (${after?.status ?? "record gone"}): ${after?.last_error ?? after?.result_summary ?? "see its sync record"}`)
  }
  return after
}

const describeRun = (r: { entity_type: string; operation: string; connection_id: string; result_summary: string | null }) => `${r.entity_type} ${r.operation} sent to ${r.connection_id} again: ${r.result_summary ?? "done"}`

/** Connections whose scheduled reconciliation is due (everyHours since their last scheduled run); reconciles each. */
export async function reconcileDueConnections(container: MedusaContainer, now = new Date()): Promise<number> {
  const hub = hubOf(container)
  let ran = 0
  for (const connection of hub.listConnections({ enabledOnly: true })) {
    const every = connection.reconciliation.everyHours
    if (!every || connection.kind === "shipping") continue
    const [last] = await hub.execute<{ created_at: Date }>(
      `SELECT created_at FROM reconciliation_run WHERE connection_id = ? AND trigger = 'schedule' AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1`, [connection.id]
    )
    if (last && now.getTime() - new Date(last.created_at).getTime() < every * 3_600_000 - 60_000) continue
    await reconcileConnection(container, connection.id, { trigger: "schedule", now }).catch((err: Error) => {
      container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: could not reconcile ${connection.id}: ${err.message}`)
    })
    ran += 1
  }
  return ran
}

/**
 * How many days in a row, up to today (UTC), the connection's reconciliation was clean: a day counts when the last
 * run that finished that day found nothing (drift found and fixed the same day, then a clean run, counts); a day
 * without a run, or whose last run found drift, ends the streak. Today without a run yet does not end it.
 */
export async function cleanDays(hub: IntegrationHubModuleService, connectionId: string, today = new Date()): Promise<number> {
  const rows = await hub.execute<{ day: string; drift_count: number }>(
    `SELECT DISTINCT ON (1) to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, drift_count
       FROM reconciliation_run WHERE connection_id = ? AND status = 'done' AND deleted_at IS NULL AND created_at > ?
      ORDER BY 1, created_at DESC`,
    [connectionId, new Date(today.getTime() - MAX_STREAK_DAYS * 86_400_000)]
  )
  const byDay = new Map(rows.map((r) => [r.day, Number(r.drift_count)]))
  let streak = 0
  for (let d = 0; d < MAX_STREAK_DAYS; d++) {
    const drift = byDay.get(new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10))
    if (drift === undefined && d === 0) continue
    if (drift === undefined || drift > 0) break
    streak += 1
  }
  return streak
}

/** How far back a clean streak is counted. */
const MAX_STREAK_DAYS = 120
