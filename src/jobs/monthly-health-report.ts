import type { MedusaContainer } from "@medusajs/framework/types"
import { sendMonthlyHealthReport } from "../console/report-mail"

/** On the 1st of each month: the previous month's integrations health report, to the admin feed and `alerts.notify`. */
export default async function monthlyHealthReportJob(container: MedusaContainer) {
  await sendMonthlyHealthReport(container)
}

export const config = { name: "integration-hub-monthly-health-report", schedule: "0 6 1 * *" }
