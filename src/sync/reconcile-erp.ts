import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { redactString } from "../lib/http/redact"
import { currencyDigits } from "../lib/money"
import { isDone } from "../modules/integration-hub/models/sync-record"
import { ConnectionConfig, inventoryOwner, PluginOptions } from "../modules/integration-hub/options"
import type { ErpSaleDetail } from "../providers/types"
import { SENT_OUT_FIELDS, sentOutItems, withoutSentOut } from "../workflows/sync-exchanges-to-erp/sent-out"
import { Corrections, applyOrderCorrections } from "../workflows/sync-order-to-erp/corrections"
import { OrderForErp, orderReference } from "../workflows/sync-order-to-erp/order-mapper"
import { CHECK_PAGE, Drift, DriftFix, Found } from "./drift"
import { hubOf } from "./hub"
import { findLegacySale } from "./legacy-match"
import { readSales, Unreadable, unreadable } from "./read-sales"
import { reconcileStock } from "./reconcile-stock"

type OrderRow = {
  id: string; display_id: number | null; status: string; currency_code: string
  items?: Array<{ id: string; variant_sku?: string | null; quantity?: unknown; detail?: { quantity?: unknown; return_received_quantity?: unknown; return_dismissed_quantity?: unknown } | null; total?: unknown } | null> | null
  shipping_methods?: Array<{ total?: unknown } | null> | null
  /** Its exchanges or claims sent items out (left out of `items`): its total is not the sale's. */
  exchanged?: boolean
}

/** The items the exchanges and claims of these orders sent out, by order. */
async function sentOutOf(container: MedusaContainer, orderIds: string[]) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const rows = await Promise.all(["order_exchange", "order_claim"].map((entity) => query.graph({ entity, fields: SENT_OUT_FIELDS, filters: { order_id: orderIds } })))
  return sentOutItems(rows.flatMap((r) => r.data) as Parameters<typeof sentOutItems>[0])
}

/** Who owns orders by the matrix: Medusa (the default), or this ERP. */
const erpOwnsOrders = (opts: PluginOptions, connection: ConnectionConfig) => [connection.id, "erp"].includes(opts.sourceOfTruth.order ?? "medusa")

/**
 * ERP: every order placed in the window has its sale (found by the hub's record, our reference, or legacyMatch) with
 * the same total, lines and state; the sales of a page of orders are read at once where the provider can. An order
 * whose sale the ERP cannot read is a drift item ("unreadable") and the others are still compared; an open circuit
 * (the ERP is not answering) fails the run, as its report would say nothing. Then ERP-owned stock, when it owns it.
 */
export async function reconcileErp(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date): Promise<Found> {
  const hub = hubOf(container)
  const erp = hub.getProvider(connection.id, "erp")
  const shadow = (await hub.modeOf(connection.id)) === "shadow"
  const erpOwns = erpOwnsOrders(hub.pluginOptions, connection)
  // In shadow mode the legacy integration writes the ERP: drift is for it (or a person) to fix, the hub only reports.
  const resend: DriftFix[] = shadow || erpOwns ? ["ignore"] : ["resend", "ignore"]
  const inWords = (why: Unreadable) => redactString(why.message, hub.connectionSecrets(connection.id))
  const drifts: Drift[] = []
  let checked = 0
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  for (let skip = 0; ; skip += CHECK_PAGE) {
    const { data } = await query.graph({
      entity: "order",
      // `total` makes the order module compute the totals of each item and shipping method too.
      fields: ["id", "display_id", "status", "currency_code", "total", "items.id", "items.variant_sku", "items.quantity", "items.detail.quantity", "items.detail.return_received_quantity", "items.detail.return_dismissed_quantity", "items.total", "shipping_methods.total"],
      filters: { status: { $ne: "draft" }, created_at: { $gte: from, $lte: to } },
      pagination: { skip, take: CHECK_PAGE, order: { created_at: "ASC", id: "ASC" } },
    })
    const rows = data as unknown as OrderRow[]
    if (!rows.length) break
    const sentOut = await sentOutOf(container, rows.map((o) => o.id))
    const records = new Map(
      (await hub.listSyncRecords({ connection_id: connection.id, entity_type: "order", operation: "create", entity_id: rows.map((o) => o.id) })).map((r) => [r.entity_id, r])
    )
    // Each order's sale: the one its record points at, or the one found by our reference (or legacyMatch).
    const wanted: Array<{ order: OrderRow; label: string; externalId: string; number: string | null; recorded: boolean }> = []
    for (const row of rows) {
      checked += 1
      const record = records.get(row.id)
      // As the hub sent it: with the corrections staff made to its data (edit-and-retry), as JSON (amounts as numbers).
      // Without the items its exchanges and claims sent out: the ERP has those on their own sales.
      const order = withoutSentOut(applyOrderCorrections(JSON.parse(JSON.stringify(row)) as OrderForErp, record?.corrections as Corrections | null) as unknown as OrderRow, sentOut.get(row.id))
      if (sentOut.has(row.id)) order.exchanged = true
      const label = `Order #${order.display_id ?? order.id}`
      if (record && isDone(record.status) && record.external_id) {
        wanted.push({ order, label, externalId: record.external_id, number: record.external_number, recorded: true })
        continue
      }
      let found
      try {
        found = (await erp.findSalesOrderByReference(orderReference(order.id))) ?? (await findLegacySale(erp, connection, String(order.display_id ?? order.id)))
      } catch (err) {
        drifts.push({ entity_type: "order", entity_id: order.id, kind: "unreadable", message: `${label}: ${connection.id} could not look up its sale, so it was not compared: ${inWords(unreadable(err))}`, details: {}, fixes: resend })
        continue
      }
      if (found) wanted.push({ order, label, externalId: found.externalId, number: found.number, recorded: false })
      else if (order.status !== "canceled") {
        drifts.push({ entity_type: "order", entity_id: order.id, kind: "missing", message: `${label} is not in ${connection.id}: no sale carries ${orderReference(order.id)}${connection.legacyMatch ? ` or matches legacyMatch` : ""}`, details: {}, fixes: resend })
      }
    }
    const sales = await readSales(erp, wanted.map((w) => ({ externalId: w.externalId, number: w.number })))
    for (const w of wanted) {
      const sale = sales.get(w.externalId) ?? null
      const drift = (kind: string, message: string, details: Record<string, unknown>, fixes: DriftFix[]) =>
        drifts.push({ entity_type: "order", entity_id: w.order.id, kind, message, details, fixes })
      const named = w.number ?? w.externalId
      if (sale instanceof Unreadable) {
        // Nothing is known of the sale: the next run reads it again; sending the order again could make a second one.
        drift("unreadable", `${w.label}: ${connection.id} could not read its sale ${named}, so it was not compared: ${inWords(sale)}`, { sale: named }, ["ignore"])
      } else if (!sale) {
        // A sale found by reference a moment ago and gone now was deleted meanwhile: the next run says so.
        if (w.recorded) drift("deleted", `${w.label}: its sale ${named} is no longer in ${connection.id} (deleted there)`, { sale: named }, w.order.status === "canceled" ? ["ignore"] : resend)
      } else {
        compareSale(w.order, w.label, sale, connection.id, { shadow, erpOwns, resend }, drift)
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

/** State, total and lines of one order's sale against the order. */
function compareSale(
  order: OrderRow, label: string, sale: ErpSaleDetail, connectionId: string,
  matrix: { shadow: boolean; erpOwns: boolean; resend: DriftFix[] },
  drift: (kind: string, message: string, details: Record<string, unknown>, fixes: DriftFix[]) => void
) {
  const { shadow, erpOwns, resend } = matrix
  const canceled = order.status === "canceled"
  const saleLabel = `sale ${sale.number ?? sale.externalId}`
  if (sale.state === "cancelled" && !canceled) {
    drift("state", `${label} is open in Medusa, but its ${saleLabel} is cancelled in ${connectionId}`, { medusa: order.status, erp: sale.state }, shadow ? ["ignore"] : erpOwns ? ["accept", "ignore"] : ["resend", "ignore"])
    return
  }
  if (canceled) {
    if (sale.state !== "cancelled") drift("state", `${label} is canceled in Medusa, but its ${saleLabel} is still ${sale.state} in ${connectionId}`, { medusa: order.status, erp: sale.state }, resend)
    return
  }
  // What was sold: the items and shipping (refunds are the ERP's credit notes, not a smaller sale). Medusa's item
  // totals leave out the units a return took back, which the ERP keeps on the sale (its return is a shipment of its
  // own): the total of an order with returned goods is not compared, its lines are.
  const total = amountOf(MathBN.sum(...[...(order.items ?? []), ...(order.shipping_methods ?? [])].map((l) => MathBN.convert((l?.total ?? 0) as number))), order.currency_code)
  if (!hasReturnedGoods(order) && !order.exchanged && sale.total !== null && amountOf(sale.total, order.currency_code) !== total) {
    const erpTotal = amountOf(sale.total, order.currency_code)
    drift("total", `${label}: ${connectionId}'s ${saleLabel} totals ${erpTotal} ${order.currency_code.toUpperCase()}, Medusa's order ${total}`, { medusa: total, erp: erpTotal }, resend)
  }
  const lineDiffs = compareLines(order, sale)
  if (lineDiffs.length) {
    // An order with an exchange is not sent anew: its exchange's sale would stay apart from the new one.
    drift("lines", `${label}: the lines of ${saleLabel} differ: ${lineDiffs.map((d) => `${d.sku} ${d.medusa} in Medusa, ${d.erp} in ${connectionId}`).join("; ")}`, { lines: lineDiffs }, order.exchanged ? ["ignore"] : resend)
  }
}

const hasReturnedGoods = (order: OrderRow) =>
  (order.items ?? []).some((i) => Number(i?.detail?.return_received_quantity ?? 0) + Number(i?.detail?.return_dismissed_quantity ?? 0) > 0)

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
