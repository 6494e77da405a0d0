import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Container, createDataTableColumnHelper, DataTablePaginationState, Heading, StatusBadge, Text } from "@medusajs/ui"
import { useMemo, useState } from "react"
import { ConsoleTable } from "../../../components/console-table"
import { FilterSelect } from "../../../components/filter-select"
import { useAlerts, useConnectionsHealth } from "../../../hooks/use-console"
import type { AlertRow } from "../../../lib/console-types"

const columns = createDataTableColumnHelper<AlertRow>()
const KINDS: Record<string, { label: string; color: "green" | "red" | "blue" }> = {
  failing: { label: "Failing", color: "red" },
  recovered: { label: "Recovered", color: "green" },
  report: { label: "Health report", color: "blue" },
}

/** Each alert and recovery notice sent: when, about what, why, to whom and which channels took it; the thresholds above. */
const AlertsPage = () => {
  const [connectionId, setConnectionId] = useState<string | undefined>()
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: 20 })
  const { data, isLoading, isError, error } = useAlerts({ connection_id: connectionId }, { limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize })
  const connections = useConnectionsHealth().data?.connections ?? []
  const defs = useMemo(
    () => [
      columns.accessor("created_at", { header: "Sent", cell: ({ row }) => new Date(row.original.created_at).toLocaleString() }),
      columns.accessor("state", {
        header: "Kind",
        cell: ({ row }) => {
          const kind = KINDS[row.original.state] ?? { label: row.original.state.replace(/_/g, " "), color: "red" as const }
          return <StatusBadge color={kind.color}>{kind.label}</StatusBadge>
        },
      }),
      columns.accessor("title", {
        header: "Why",
        cell: ({ row }) => (
          <div className="flex max-w-[560px] flex-col whitespace-normal" data-testid="alert-row">
            <Text size="small" weight="plus">{row.original.title}</Text>
            <Text size="xsmall" className="text-ui-fg-subtle">{row.original.description}</Text>
          </div>
        ),
      }),
      columns.accessor("recipients", {
        header: "To",
        cell: ({ row }) => (
          <div className="flex flex-col">
            {row.original.recipients.map((r, i) => (
              <Text key={i} size="xsmall">
                {r.channel === "feed" ? "admin notifications" : r.to}
                {row.original.reached.includes(r.channel) ? "" : " (not delivered)"}
              </Text>
            ))}
          </div>
        ),
      }),
    ],
    []
  )
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="flex flex-col gap-y-2 px-6 py-4" data-testid="alert-thresholds">
        <Heading level="h1">Alerts</Heading>
        {data && (
          <Text size="small" className="text-ui-fg-subtle">
            A connection alerts after {data.thresholds.after_consecutive_failures} failed syncs in a row (alerts.afterConsecutiveFailures) and sends a
            recovery notice after as many successes in a row. Sent to the admin's notifications
            {data.thresholds.notify.length ? ` and by e-mail to ${data.thresholds.notify.join(", ")}` : "; no e-mail address is set (alerts.notify)"}.
          </Text>
        )}
        {data && data.open.length > 0 && (
          <Text size="small" className="text-ui-fg-error" data-testid="alerts-open">
            Open now: {data.open.map((o) => `${o.connection_id} since ${new Date(o.since).toLocaleString()}`).join("; ")}
          </Text>
        )}
        {isError && <Text size="small" className="text-ui-fg-error">Could not load the alerts: {error.message}</Text>}
      </Container>
      <ConsoleTable
        columns={defs}
        rows={data?.alerts ?? []}
        rowId={(r) => r.id}
        rowCount={data?.count ?? 0}
        isLoading={isLoading}
        pagination={pagination}
        onPagination={setPagination}
        testId="alerts-sent"
        toolbar={
          <>
            <Heading level="h2">Sent</Heading>
            <FilterSelect value={connectionId} anyLabel="Every connection" items={connections.map((c) => ({ value: c.id, label: c.id }))} onChange={(v) => { setConnectionId(v); setPagination((p) => ({ ...p, pageIndex: 0 })) }} testId="alerts-filter-connection" />
          </>
        }
      />
    </div>
  )
}

export const config = defineRouteConfig({ label: "Alerts", rank: 4 })

export default AlertsPage
