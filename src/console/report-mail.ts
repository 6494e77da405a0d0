import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { sendAlert } from "../sync/alerts"
import { hubOf } from "../sync/hub"
import { buildHealthReport, monthBounds, previousMonth } from "./report"

export const REPORT_TEMPLATE = "integration-hub-health-report"

type ConfigModule = { admin?: { backendUrl?: string; path?: string } }

/**
 * Builds the health report of a month (by default the one before `now`, in the store's time zone) and sends it
 * through Medusa's Notification module: to the admin feed and by e-mail to each `alerts.notify` address (template
 * `integration-hub-health-report`), each connection's verdict in the text and a link to the report's page. Kept
 * in the alerts history like any alert; sent once per month (idempotency key).
 */
export async function sendMonthlyHealthReport(container: MedusaContainer, opts: { now?: Date; month?: string } = {}) {
  const hub = hubOf(container)
  const timeZone = hub.pluginOptions.timeZone
  const month = opts.month ?? previousMonth(opts.now ?? new Date(), timeZone)
  const { from, to } = monthBounds(month, timeZone)
  const report = await buildHealthReport(hub, from, to)
  const config = container.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
  const admin = `${(config.admin?.backendUrl ?? "").replace(/\/$/, "")}${config.admin?.path ?? "/app"}`
  const link = `${admin}/integrations/report?month=${month}`
  const lines = report.connections.map((c) => `${c.id} (${c.kind}): ${c.verdict.words}`)
  const reached = await sendAlert(container, "*", {
    state: "report",
    title: `Integrations health report for ${month}`,
    description: `${lines.join("\n")}\nThe report: ${link}`,
    template: REPORT_TEMPLATE,
    idempotencyKey: `integration-hub-health-report:${month}`,
    data: { month, link, connections: report.connections.map((c) => ({ id: c.id, kind: c.kind, availability: c.availability, verdict: c.verdict })) },
  })
  return { month, link, reached, report }
}
