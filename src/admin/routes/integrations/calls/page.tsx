import { defineRouteConfig } from "@medusajs/admin-sdk"
import { createDataTableColumnHelper, DataTablePaginationState, Heading, StatusBadge, Text } from "@medusajs/ui"
import { useMemo, useState } from "react"
import { ConsoleTable } from "../../../components/console-table"
import { FilterSelect } from "../../../components/filter-select"
import { useCallLog, useConnectionsHealth } from "../../../hooks/use-console"
import type { IntegrationLogEntry } from "../../../lib/types"

const columns = createDataTableColumnHelper<IntegrationLogEntry>()
const DIRECTIONS = [{ value: "out", label: "Calls we made" }, { value: "in", label: "Deliveries we received" }]
const OUTCOMES = [{ value: "success", label: "Succeeded" }, { value: "error", label: "Failed" }]

/**
 * The call log, newest first: every call to a connected system and every delivery from one, with the step that made
 * it, its outcome, HTTP status and duration, and its redacted summary (credentials and personal data never stored).
 */
const CallsPage = () => {
  const [filter, setFilter] = useState<{ connection_id?: string; direction?: string; status?: string }>({})
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: 50 })
  const { data, isLoading, isError, error } = useCallLog(filter, { limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize })
  const connections = useConnectionsHealth().data?.connections ?? []
  const change = (patch: Partial<typeof filter>) => {
    setFilter((f) => ({ ...f, ...patch }))
    setPagination((p) => ({ ...p, pageIndex: 0 }))
  }
  const defs = useMemo(
    () => [
      columns.accessor("created_at", { header: "When", cell: ({ row }) => new Date(row.original.created_at).toLocaleString() }),
      columns.accessor("operation", {
        header: "Call",
        cell: ({ row }) => (
          <div className="flex flex-col">
            <Text size="small">{row.original.description ?? row.original.operation}</Text>
            <Text size="xsmall" className="text-ui-fg-subtle">{row.original.connection_id} · {row.original.direction === "in" ? "received" : row.original.operation}{row.original.step_label ? ` · ${row.original.step_label}` : ""}</Text>
          </div>
        ),
      }),
      columns.accessor("status", {
        header: "Outcome",
        cell: ({ row }) => (
          <div className="flex flex-col gap-y-1">
            <StatusBadge color={row.original.status === "success" ? "green" : "red"}>{row.original.http_status ?? (row.original.status === "success" ? "ok" : "no answer")}</StatusBadge>
            {row.original.error && <Text size="xsmall" className="max-w-[420px] whitespace-normal text-ui-fg-subtle">{row.original.error}</Text>}
          </div>
        ),
      }),
      columns.accessor("duration_ms", { header: "Duration", cell: ({ row }) => `${row.original.duration_ms} ms` }),
      columns.display({
        id: "summary",
        header: "Summary (redacted)",
        cell: ({ row }) => (
          <details className="max-w-[360px]">
            <summary className="txt-compact-xsmall cursor-pointer text-ui-fg-interactive">request and response</summary>
            <pre className="txt-compact-xsmall whitespace-pre-wrap break-all">{JSON.stringify({ request: row.original.request, response: row.original.response }, null, 1)}</pre>
          </details>
        ),
      }),
    ],
    []
  )
  return (
    <ConsoleTable
      columns={defs}
      rows={data?.logs ?? []}
      rowId={(r) => r.id}
      rowCount={data?.count ?? 0}
      isLoading={isLoading}
      pagination={pagination}
      onPagination={setPagination}
      testId="call-log"
      toolbarClassName="flex flex-col items-start gap-y-3 px-6 py-4"
      toolbar={
        <>
          <div>
            <Heading level="h1">Call log</Heading>
            <Text size="small" className="text-ui-fg-subtle">Every call to a connected system and every delivery from one, newest first, kept logRetentionDays days.</Text>
          </div>
          <div className="flex flex-wrap gap-2">
            <FilterSelect value={filter.connection_id} anyLabel="Every connection" items={connections.map((c) => ({ value: c.id, label: c.id }))} onChange={(v) => change({ connection_id: v })} testId="calls-filter-connection" />
            <FilterSelect value={filter.direction} anyLabel="Both directions" items={DIRECTIONS} onChange={(v) => change({ direction: v })} testId="calls-filter-direction" />
            <FilterSelect value={filter.status} anyLabel="Every outcome" items={OUTCOMES} onChange={(v) => change({ status: v })} testId="calls-filter-status" />
          </div>
          {data?.count_capped && <Text size="xsmall" className="text-ui-fg-subtle">More than 10,000 rows match: the pages reach the newest 10,000; narrow the filter to see older ones.</Text>}
          {isError && <Text size="small" className="text-ui-fg-error">Could not load the call log: {error.message}</Text>}
        </>
      }
    />
  )
}

export const config = defineRouteConfig({ label: "Call log", rank: 3 })

export default CallsPage
