import type { MedusaContainer } from "@medusajs/framework/types"
import { importShipmentsIfDue } from "../sync/shipment-schedule"

/**
 * Every minute: looks for the shipments each shipping ERP (connections[].fulfilment "erp") completed, when its
 * `shipmentImportEveryMinutes` have passed (the interval is an option, so the job looks each minute whether it is due).
 */
export default async function importErpShipmentsJob(container: MedusaContainer) {
  await importShipmentsIfDue(container)
}

export const config = { name: "integration-hub-import-erp-shipments", schedule: "* * * * *" }
