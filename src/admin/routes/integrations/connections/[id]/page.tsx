import { Button, Container, Heading, StatusBadge, Table, Text } from "@medusajs/ui"
import { ReactElement, useState } from "react"
import { Link, useParams } from "react-router-dom"
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { STATUS_BADGE } from "../../../../components/connections-overview"
import { useConnectionHistory } from "../../../../hooks/use-console"
import type { HistoryPoint, HistoryWindow, Incident } from "../../../../lib/console-types"

const WINDOWS: Array<{ window: HistoryWindow; label: string }> = [
  { window: "24h", label: "24 h" },
  { window: "7d", label: "7 d" },
  { window: "30d", label: "30 d" },
]
const COLOR = { calls: "#3b82f6", errors: "#ef4444", latency: "#8b5cf6", waiting: "#f59e0b", throttled: "#f97316" }

const tick = (span: HistoryWindow) => (iso: string) => {
  const d = new Date(iso)
  return span === "24h" ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString([], { month: "short", day: "numeric" })
}
const share = (v: number | null, places: number) => (v === null ? "—" : `${(v * 100).toFixed(places)} %`)
const duration = (ms: number) => {
  const min = Math.round(ms / 60_000)
  return min < 90 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`
}

/** One chart of the connection's history, titled, over the window's points. */
const Chart = ({ title, children }: { title: string; children: ReactElement }) => (
  <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="connection-chart">
    <Text size="small" weight="plus">{title}</Text>
    <div className="h-[180px] w-full">
      <ResponsiveContainer width="100%" height="100%">{children}</ResponsiveContainer>
    </div>
  </div>
)

/**
 * One connection over 24 h, 7 d or 30 d: calls and errors, p95 latency, records waiting and 429s, charted from its
 * health buckets, and its incidents (outages and circuit-open spans).
 */
const ConnectionPage = () => {
  const { id = "" } = useParams()
  const [span, setSpan] = useState<HistoryWindow>("24h")
  const { data, isLoading, isError, error } = useConnectionHistory(id, span)
  const points: HistoryPoint[] = data?.points ?? []
  const c = data?.connection
  const x = { dataKey: "t", tickFormatter: tick(span), minTickGap: 32, fontSize: 11 }
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="divide-y p-0">
        <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
          <div className="flex flex-col gap-y-1">
            <Link to="/integrations" className="txt-compact-small text-ui-fg-subtle">← Integrations</Link>
            <Heading level="h1">{id}</Heading>
            <Link to={`/integrations/connections/${id}/settings`} className="txt-compact-small text-ui-fg-interactive" data-testid="connection-settings-link">Settings and audit →</Link>
            {c && (
              <div className="flex items-center gap-x-2">
                <StatusBadge color={STATUS_BADGE[c.health.status].color} data-testid="connection-status">{STATUS_BADGE[c.health.status].label}</StatusBadge>
                <Text size="small" className="text-ui-fg-subtle">{c.kind} · {c.provider} · {c.mode}</Text>
              </div>
            )}
            {c && <Text size="small" className="text-ui-fg-subtle">{c.health.status_words}</Text>}
          </div>
          <div className="flex gap-x-2">
            {WINDOWS.map((w) => (
              <Button key={w.window} size="small" variant={span === w.window ? "primary" : "secondary"} onClick={() => setSpan(w.window)} data-testid={`connection-window-${w.window}`}>
                {w.label}
              </Button>
            ))}
          </div>
        </div>
        {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading…</Text>}
        {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the history: {error.message}</Text>}
        {c && (
          <div className="flex flex-wrap px-6 py-4" style={{ columnGap: 48, rowGap: 16 }} data-testid="connection-figures">
            {[
              ["Availability", share(c.health.windows[span].availability, 2)],
              ["Error rate", share(c.health.windows[span].error_rate, 1)],
              ["p95 latency", c.health.windows[span].latency_ms.p95 === null ? "—" : `${c.health.windows[span].latency_ms.p95} ms`],
              ["Calls", String(c.health.windows[span].calls)],
              ["429s", String(c.health.windows[span].throttled)],
            ].map(([label, value]) => (
              <div key={label} className="flex flex-col">
                <Text size="xsmall" className="text-ui-fg-subtle">{label}</Text>
                <Text size="large" weight="plus">{value}</Text>
              </div>
            ))}
          </div>
        )}
      </Container>
      {data && (
        <Container className="divide-y p-0">
          <Chart title="Calls and errors">
            <BarChart data={points}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis {...x} />
              <YAxis allowDecimals={false} fontSize={11} width={40} />
              <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
              <Bar dataKey="calls" name="calls" fill={COLOR.calls} isAnimationActive={false} />
              <Bar dataKey="errors" name="errors" fill={COLOR.errors} isAnimationActive={false} />
            </BarChart>
          </Chart>
          <Chart title="p95 latency (ms)">
            <LineChart data={points}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis {...x} />
              <YAxis fontSize={11} width={48} />
              <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
              <Line dataKey="p95_ms" name="p95 ms" stroke={COLOR.latency} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
            </LineChart>
          </Chart>
          <Chart title="Records waiting">
            <AreaChart data={points}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis {...x} />
              <YAxis allowDecimals={false} fontSize={11} width={40} />
              <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
              <Area dataKey="waiting" name="waiting" stroke={COLOR.waiting} fill={COLOR.waiting} fillOpacity={0.25} connectNulls isAnimationActive={false} />
            </AreaChart>
          </Chart>
          <Chart title="Rate limited (429)">
            <BarChart data={points}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis {...x} />
              <YAxis allowDecimals={false} fontSize={11} width={40} />
              <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
              <Bar dataKey="throttled" name="429s" fill={COLOR.throttled} isAnimationActive={false} />
            </BarChart>
          </Chart>
        </Container>
      )}
      {data && <Incidents incidents={data.incidents} />}
    </div>
  )
}

const Incidents = ({ incidents }: { incidents: Incident[] }) => (
  <Container className="divide-y p-0" data-testid="connection-incidents">
    <div className="px-6 py-4">
      <Heading level="h2">Incidents</Heading>
      <Text size="small" className="text-ui-fg-subtle">Spans of 5 minutes in a row in which no call succeeded for the vendor's failures, or the circuit was open.</Text>
    </div>
    {incidents.length === 0 ? (
      <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="connection-incidents-empty">No incident in this window.</Text>
    ) : (
      <Table>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Kind</Table.HeaderCell>
            <Table.HeaderCell>Start</Table.HeaderCell>
            <Table.HeaderCell>End</Table.HeaderCell>
            <Table.HeaderCell>Duration</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {incidents.map((i) => (
            <Table.Row key={i.start} data-testid="connection-incident">
              <Table.Cell>{i.kind === "circuit_open" ? "Circuit open" : "Outage"}</Table.Cell>
              <Table.Cell>{new Date(i.start).toLocaleString()}</Table.Cell>
              <Table.Cell>{new Date(i.end).toLocaleString()}</Table.Cell>
              <Table.Cell>{duration(i.duration_ms)}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    )}
  </Container>
)

export default ConnectionPage
