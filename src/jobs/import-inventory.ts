import type { MedusaContainer } from "@medusajs/framework/types"
import { importInventoryIfDue } from "../sync/inventory-schedule"

/**
 * Every minute: imports the stock of the ERP that owns inventory when `inventory.importEveryMinutes` have passed
 * since its last import (the interval is an option, so the job looks each minute whether it is due).
 */
export default async function importInventoryJob(container: MedusaContainer) {
  await importInventoryIfDue(container)
}

export const config = { name: "integration-hub-import-inventory", schedule: "* * * * *" }
