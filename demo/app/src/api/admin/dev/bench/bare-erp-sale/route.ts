import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { ORDER_FIELDS_FOR_ERP } from "medusa-integration-hub/workflows"
import type { OrderForErp } from "medusa-integration-hub/workflows/sync-order-to-erp/order-mapper"
import { benchBareErpSaleWorkflow, takeBareCalls, type BareErpSaleInput } from "../../../../../workflows/bench-bare-erp-sale"

/** What the baseline takes from the hub: configuration only (the ERP connection's checks and the zone of its dates). */
type HubConfig = { getConnection(id: string): { orderChecks: BareErpSaleInput["order_checks"]; timeZone?: string }; pluginOptions: { timeZone: string } }

/**
 * POST /admin/dev/bench/bare-erp-sale { order_id } — P3's baseline: reads the order (untimed, as the plugin's run
 * takes the read its revision made), then times the bare workflow sending it to Tryton (bench-bare-erp-sale.ts) and
 * counts its Tryton calls.
 * Exists only when the store runs with DEMO_DEV_EVENTS=true and a Tryton ERP; anywhere else it answers 404.
 */
export async function POST(req: MedusaRequest<{ order_id?: string }>, res: MedusaResponse) {
  if (process.env.DEMO_DEV_EVENTS !== "true" || !process.env.TRYTON_URL) throw new MedusaError(MedusaError.Types.NOT_FOUND, "Not found")
  const orderId = req.body?.order_id
  if (typeof orderId !== "string") throw new MedusaError(MedusaError.Types.INVALID_DATA, "order_id: the id of an order")
  const { data } = await req.scope.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: orderId } }, { throwIfKeyNotFound: true })
  const hub = req.scope.resolve<HubConfig>("integration_hub")
  const connection = hub.getConnection("erp")
  takeBareCalls()
  const started = performance.now()
  const { result } = await benchBareErpSaleWorkflow(req.scope).run({
    input: { order: data[0] as unknown as OrderForErp, time_zone: connection.timeZone ?? hub.pluginOptions.timeZone, order_checks: connection.orderChecks },
  })
  const ms = performance.now() - started
  res.json({ ms, calls: takeBareCalls(), sale: result })
}
