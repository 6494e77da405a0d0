import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Container, Heading, StatusBadge, Table, Text } from "@medusajs/ui"
import { useSearchParams } from "react-router-dom"
import { FilterSelect } from "../../../components/filter-select"
import { reportUrl, useHealthReport } from "../../../hooks/use-console"
import type { ReportConnection } from "../../../lib/console-types"

const GRADE = { idle: "grey", healthy: "green", flaky: "orange", unreliable: "red" } as const
const pct = (v: number | null, places = 2) => (v === null ? "—" : `${(v * 100).toFixed(places)} %`)

/** The last 13 months, newest first ("2026-11"), the current one included. */
function recentMonths(now = new Date()): string[] {
  return Array.from({ length: 13 }, (_, i) => {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1)
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`
  })
}

/**
 * The health report of a month per connection: availability, error rates, latency, 429s and headroom, dead
 * letters, top causes, incidents, the trend against the month before and a verdict; CSV and a printable page.
 */
const ReportPage = () => {
  const months = recentMonths()
  const [params, setParams] = useSearchParams()
  const month = params.get("month") ?? months[1]
  const { data, isLoading, isError, error } = useHealthReport(month)
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
        <div>
          <Heading level="h1">Health report</Heading>
          <Text size="small" className="text-ui-fg-subtle">Which connected systems were flaky, and which need a talk with the vendor. Sent on the 1st of each month to alerts.notify.</Text>
        </div>
        <div className="flex items-center gap-x-3">
          <FilterSelect value={month} anyLabel="—" items={months.map((m) => ({ value: m, label: m }))} onChange={(v) => v && setParams({ month: v })} testId="report-month" />
          <a href={reportUrl(month, "csv")} download className="txt-compact-small text-ui-fg-interactive" data-testid="report-csv">Download CSV</a>
          <a href={reportUrl(month, "html")} target="_blank" rel="noreferrer" className="txt-compact-small text-ui-fg-interactive" data-testid="report-print">Printable page / PDF</a>
        </div>
      </Container>
      {isLoading && <Text className="px-6" size="small">Loading…</Text>}
      {isError && <Text className="px-6 text-ui-fg-error" size="small">Could not build the report: {error.message}</Text>}
      {data?.report.connections.map((c) => <ConnectionReport key={c.id} c={c} />)}
    </div>
  )
}

const ConnectionReport = ({ c }: { c: ReportConnection }) => (
  <Container className="divide-y p-0" data-testid={`report-connection-${c.id}`}>
    <div className="flex flex-col gap-y-2 px-6 py-4">
      <div className="flex items-center gap-x-2">
        <Heading level="h2">{c.id}</Heading>
        <Text size="small" className="text-ui-fg-subtle">{c.kind} · {c.provider}</Text>
        <StatusBadge color={GRADE[c.verdict.grade]}>{c.verdict.grade}</StatusBadge>
      </div>
      <Text size="small" data-testid="report-verdict">{c.verdict.words}</Text>
    </div>
    <div className="flex flex-wrap px-6 py-4" style={{ columnGap: 48, rowGap: 16 }}>
      {[
        ["Availability", pct(c.availability, 3), c.trend.availability],
        ["Error rate", pct(c.error_rate), c.trend.error_rate],
        ["Vendor errors", pct(c.vendor_error_rate), null],
        ["p95 latency", c.latency_ms.p95 === null ? "—" : `${c.latency_ms.p95} ms`, c.trend.p95_ms],
        ["429s · headroom", `${c.throttled} · ${pct(c.rate_limit_headroom, 0)}`, null],
        ["Dead letters", String(c.dead_letters), null],
      ].map(([label, value, trend]) => (
        <div key={label} className="flex flex-col">
          <Text size="xsmall" className="text-ui-fg-subtle">{label}</Text>
          <Text size="large" weight="plus">{value}</Text>
          {trend && <Text size="xsmall" className="text-ui-fg-subtle">{trend} on the month before</Text>}
        </div>
      ))}
    </div>
    {c.top_causes.length > 0 && (
      <div className="px-6 py-4">
        <Text size="small" weight="plus">Top causes of failure</Text>
        <ol className="list-decimal pl-5">
          {c.top_causes.map((t) => (
            <li key={t.cause}><Text size="small">{t.cause || "(no error text)"} <span className="text-ui-fg-subtle">— {t.failures} failures on {t.records} records</span></Text></li>
          ))}
        </ol>
      </div>
    )}
    {c.incidents.length > 0 && (
      <Table>
        <Table.Header>
          <Table.Row><Table.HeaderCell>Incident</Table.HeaderCell><Table.HeaderCell>Start</Table.HeaderCell><Table.HeaderCell>End</Table.HeaderCell><Table.HeaderCell>Minutes</Table.HeaderCell></Table.Row>
        </Table.Header>
        <Table.Body>
          {c.incidents.map((i) => (
            <Table.Row key={i.start}>
              <Table.Cell>{i.kind === "circuit_open" ? "Circuit open" : "Outage"}</Table.Cell>
              <Table.Cell>{new Date(i.start).toLocaleString()}</Table.Cell>
              <Table.Cell>{new Date(i.end).toLocaleString()}</Table.Cell>
              <Table.Cell>{Math.round(i.duration_ms / 60_000)}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    )}
  </Container>
)

export const config = defineRouteConfig({ label: "Health report", rank: 5 })

export default ReportPage
