import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { buildHealthReport, MAX_REPORT_DAYS, monthBounds } from "../../../../../console/report"
import { reportCsv, reportHtml } from "../../../../../console/report-formats"
import { hubOf } from "../../serializers"
import type { HealthReportQueryType } from "../../validators"

/**
 * GET /admin/integrations/reports/health?month=YYYY-MM (a calendar month of the store's time zone) or ?from=&to= —
 * every connection's health over the period against the period before: availability, error rates, p50/p95, 429s
 * and rate-limit headroom, dead letters, top causes of failure, incidents and a verdict in words.
 * `format=csv` downloads it, `format=html` is a printable page (print it or save it as PDF).
 */
export async function GET(req: MedusaRequest<unknown, HealthReportQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const q = req.validatedQuery as HealthReportQueryType
  const period = q.month ? monthBounds(q.month, hub.pluginOptions.timeZone) : q.from ? { from: q.from, to: q.to ?? new Date() } : null
  if (!period) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Give the report a month (YYYY-MM) or a from date`)
  const { from, to } = period
  if (to <= from) throw new MedusaError(MedusaError.Types.INVALID_DATA, `The report's "to" (${to.toISOString()}) must be after its "from" (${from.toISOString()})`)
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86_400_000) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `A health report covers at most ${MAX_REPORT_DAYS} days; ask for a shorter period (from ${from.toISOString()} to ${to.toISOString()} is longer)`)
  }
  const report = await buildHealthReport(hub, from, to)
  const name = q.month ?? `${from.toISOString().slice(0, 10)}_${to.toISOString().slice(0, 10)}`
  if (q.format === "csv") {
    res.setHeader("Content-Type", "text/csv; charset=utf-8")
    res.setHeader("Content-Disposition", `attachment; filename="integrations-health-${name}.csv"`)
    return res.send(reportCsv(report))
  }
  if (q.format === "html") {
    res.setHeader("Content-Type", "text/html; charset=utf-8")
    return res.send(reportHtml(report, `Integrations health report — ${name}`))
  }
  res.json({ report })
}
