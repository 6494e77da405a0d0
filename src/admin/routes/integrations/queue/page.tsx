import { defineRouteConfig } from "@medusajs/admin-sdk"
import {
  Button, Container, createDataTableColumnHelper, DataTablePaginationState, Heading, StatusBadge, Text, toast,
} from "@medusajs/ui"
import { useMemo, useState } from "react"
import { Link } from "react-router-dom"
import { ConsoleTable } from "../../../components/console-table"
import { FilterSelect } from "../../../components/filter-select"
import { IgnoreDrawer, QueueEditAndRetry } from "../../../components/queue-actions"
import { consoleKey, queueExportUrl, useConnectionsHealth, useQueue, useRetryQueue } from "../../../hooks/use-console"
import { useRetrySync } from "../../../hooks/use-retry-sync"
import type { BulkRetryResponse, QueueFilter, QueueGroup, QueueRecord, QueueResponse, QueueState, QueueView, ResolvedRecord, ResolvedResponse } from "../../../lib/console-types"

const PAGE_SIZE = 20
const VIEWS: Array<{ view: QueueView; label: string }> = [
  { view: "open", label: "Open" },
  { view: "in_flight", label: "Retries in flight" },
  { view: "resolved", label: "Resolved" },
]
const STATE_COLOR: Record<QueueState, "red" | "orange" | "purple"> = { needs_attention: "red", dead: "red", paused: "purple", retrying: "orange" }
const ENTITIES = [{ value: "order", label: "Orders" }, { value: "customer", label: "Customers" }, { value: "payment", label: "Payments" }, { value: "refund", label: "Refunds" }]
const OPEN_STATES = [{ value: "needs_attention", label: "Needs attention" }, { value: "dead", label: "Out of retries" }, { value: "paused", label: "Connection paused" }]
const AGES = [
  { value: "15", label: "Waiting 15 min or more" },
  { value: "60", label: "Waiting 1 h or more" },
  { value: "1440", label: "Waiting 1 day or more" },
]
const since = (iso: string) => new Date(iso).toLocaleString()
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The work queue: every record that needs a person, across orders, customers and connections, grouped by cause,
 * with bulk retry of a filter or a group, Edit & retry, Ignore with a reason, and the open list as CSV; the retries
 * in flight; and what was resolved, by a person or by a later run on its own.
 */
const QueuePage = () => {
  const [filter, setFilter] = useState<QueueFilter>({ view: "open" })
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE })
  const page = { limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize }
  const { data, isLoading, isError, error } = useQueue(filter, page)
  const change = (patch: Partial<QueueFilter>) => {
    setFilter((f) => ({ ...f, ...patch }))
    setPagination((p) => ({ ...p, pageIndex: 0 }))
  }
  const open = data && data.view !== "resolved" ? (data as QueueResponse) : null
  const resolved = data && data.view === "resolved" ? (data as ResolvedResponse) : null

  return (
    <div className="flex flex-col gap-y-3">
      <Container className="divide-y p-0">
        <div className="flex flex-wrap items-center justify-between gap-3 px-6 py-4">
          <div>
            <Heading level="h1">Work queue</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              Records a connected system did not take, grouped by cause. Fix the cause (in Medusa or in the other system), then retry the group.
            </Text>
          </div>
          <div className="flex gap-x-2">
            {VIEWS.map((v) => (
              <Button key={v.view} size="small" variant={filter.view === v.view ? "primary" : "secondary"} onClick={() => change({ view: v.view, state: undefined, cause: undefined })} data-testid={`queue-view-${v.view}`}>
                {v.label}
              </Button>
            ))}
          </div>
        </div>
        <Filters filter={filter} onChange={change} errorCodes={[...new Set((open?.groups ?? []).map((g) => g.error_code).filter((c): c is string => Boolean(c)))]} />
        {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the queue: {error.message}</Text>}
        {open && filter.view !== "resolved" && <Groups groups={open.groups} filter={filter} onShow={(cause) => change({ cause })} />}
      </Container>
      {filter.view !== "resolved" && <RecordsTable data={open} isLoading={isLoading} pagination={pagination} setPagination={setPagination} filter={filter} />}
      {filter.view === "resolved" && <ResolvedTable data={resolved} isLoading={isLoading} pagination={pagination} setPagination={setPagination} />}
    </div>
  )
}

const Filters = ({ filter, onChange, errorCodes }: { filter: QueueFilter; onChange: (patch: Partial<QueueFilter>) => void; errorCodes: string[] }) => {
  const connections = useConnectionsHealth().data?.connections ?? []
  return (
    <div className="flex flex-wrap items-center gap-2 px-6 py-3" data-testid="queue-filters">
      <FilterSelect value={filter.connection_id} anyLabel="Every connection" items={connections.map((c) => ({ value: c.id, label: `${c.id} (${c.kind})` }))} onChange={(v) => onChange({ connection_id: v })} testId="queue-filter-connection" />
      <FilterSelect value={filter.entity_type} anyLabel="Every record" items={ENTITIES} onChange={(v) => onChange({ entity_type: v })} testId="queue-filter-entity" />
      {filter.view === "open" && (
        <FilterSelect value={filter.state} anyLabel="Every state" items={OPEN_STATES} onChange={(v) => onChange({ state: v as QueueState | undefined })} testId="queue-filter-state" />
      )}
      <FilterSelect value={filter.error_code} anyLabel="Every error" items={[...new Set([...errorCodes, ...(filter.error_code ? [filter.error_code] : [])])].map((c) => ({ value: c, label: c.replace(/_/g, " ") }))} onChange={(v) => onChange({ error_code: v })} testId="queue-filter-error" />
      <FilterSelect value={filter.older_than_minutes ? String(filter.older_than_minutes) : undefined} anyLabel="Any age" items={AGES} onChange={(v) => onChange({ older_than_minutes: v ? Number(v) : undefined })} testId="queue-filter-age" />
      {filter.cause && (
        <Button size="small" variant="transparent" onClick={() => onChange({ cause: undefined })} data-testid="queue-filter-cause-clear">Show every cause</Button>
      )}
    </div>
  )
}

/** A bulk retry's outcome in a toast: how many synced, how many still fail. */
const bulkRetryToasts = {
  onSuccess: (res: BulkRetryResponse) => {
    const line = `Retried ${plural(res.count, "record")}: ${res.synced} synced, ${res.failed} still failing`
    if (res.failed) toast.warning(line)
    else toast.success(line)
  },
  onError: (err: Error) => toast.error(`Retry failed: ${err.message}`),
}

/** The causes, the largest first: "37 orders: SKU 'HAT-9' is not a product in Tryton", each with Show and Retry group. */
const Groups = ({ groups, filter, onShow }: { groups: QueueGroup[]; filter: QueueFilter; onShow: (cause: string) => void }) => {
  const retry = useRetryQueue()
  const onRetry = (g: QueueGroup) =>
    retry.mutate(
      { cause: g.cause, view: filter.view === "in_flight" ? "in_flight" : "open", limit: 500 },
      bulkRetryToasts
    )
  if (!groups.length) {
    return <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="queue-empty">Nothing here: every record went through.</Text>
  }
  return (
    <div className="flex flex-col divide-y" data-testid="queue-groups">
      {groups.map((g) => (
        <div key={g.cause} className="flex items-start justify-between gap-x-4 px-6 py-3" data-testid="queue-group">
          <div className="flex flex-col gap-y-1">
            <Text size="small" weight="plus" data-testid="queue-group-title">{plural(g.count, g.entity_type)}: {g.cause_text}</Text>
            <Text size="xsmall" className="text-ui-fg-subtle">
              {g.connection_id} · {g.entity_type}.{g.operation}{g.error_code ? ` · ${g.error_code}` : ""} · waiting since {since(g.waiting_since)}
            </Text>
          </div>
          <div className="flex shrink-0 gap-x-2">
            {filter.cause !== g.cause && <Button size="small" variant="secondary" onClick={() => onShow(g.cause)} data-testid="queue-group-show">Show</Button>}
            <Button size="small" variant="secondary" onClick={() => onRetry(g)} isLoading={retry.isPending && retry.variables?.cause === g.cause} data-testid="queue-group-retry">
              Retry group
            </Button>
          </div>
        </div>
      ))}
    </div>
  )
}

/** Retries everything the filter shows (at most 500, the longest waiting first): a bulk retry of the filter. */
const RetryAll = ({ filter, count }: { filter: QueueFilter; count: number }) => {
  const retry = useRetryQueue()
  const { view, ...rest } = filter
  const onClick = () =>
    retry.mutate(
      { ...rest, view: view === "in_flight" ? "in_flight" : "open", limit: 500 },
      bulkRetryToasts
    )
  return (
    <Button size="small" variant="secondary" onClick={onClick} isLoading={retry.isPending} data-testid="queue-retry-all">
      Retry {count > 500 ? "the first 500" : `all ${count}`}
    </Button>
  )
}

const recordLink = (path: string | null, label: string) =>
  path ? <Link to={path} className="text-ui-fg-interactive" data-testid="queue-record-link">{label}</Link> : <span>{label}</span>

const columns = createDataTableColumnHelper<QueueRecord>()

const RecordsTable = ({ data, isLoading, pagination, setPagination, filter }: {
  data: QueueResponse | null
  isLoading: boolean
  pagination: DataTablePaginationState
  setPagination: (p: DataTablePaginationState) => void
  filter: QueueFilter
}) => {
  const retry = useRetrySync(consoleKey)
  const defs = useMemo(
    () => [
      columns.accessor("entity_id", {
        header: "Record",
        cell: ({ row }) => (
          <div className="flex flex-col">
            {recordLink(row.original.admin_path, `${row.original.entity_type} ${row.original.entity_id}`)}
            <Text size="xsmall" className="text-ui-fg-subtle">{row.original.connection_id} · {row.original.operation}</Text>
          </div>
        ),
      }),
      columns.accessor("state", {
        header: "State",
        cell: ({ row }) => <StatusBadge color={STATE_COLOR[row.original.state]}>{row.original.state_words}</StatusBadge>,
      }),
      columns.accessor("last_error", {
        header: "Why",
        cell: ({ row }) => <Text size="xsmall" className="whitespace-normal" style={{ minWidth: 320, maxWidth: 560 }} data-testid="queue-record-error">{row.original.last_error ?? "—"}</Text>,
      }),
      columns.accessor("attempts", { header: "Attempts" }),
      columns.accessor("waiting_since", { header: "Waiting since", cell: ({ row }) => since(row.original.waiting_since) }),
      columns.display({
        id: "actions",
        cell: ({ row }) => (
          <div className="flex justify-end gap-x-2">
            <Button
              size="small"
              variant="secondary"
              isLoading={retry.isPending && retry.variables === row.original.id}
              onClick={() =>
                retry.mutate(row.original.id, {
                  onSuccess: (res) => (res.sync_record.status === "synced" ? toast.success(res.message) : toast.error(res.message)),
                  onError: (err) => toast.error(`Retry failed: ${err.message}`),
                })
              }
              data-testid="queue-record-retry"
            >
              Retry
            </Button>
            <QueueEditAndRetry id={row.original.id} />
            <IgnoreDrawer id={row.original.id} label={`${row.original.entity_type} ${row.original.entity_id}`} />
          </div>
        ),
      }),
    ],
    [retry]
  )
  return (
    <ConsoleTable
      columns={defs}
      rows={data?.records ?? []}
      rowId={(r) => r.id}
      rowCount={data?.count ?? 0}
      isLoading={isLoading}
      pagination={pagination}
      onPagination={setPagination}
      testId="queue-records"
      toolbar={
        <>
          <Heading level="h2">{filter.view === "in_flight" ? "Retries in flight" : "Open records"} {data ? `(${data.count})` : ""}</Heading>
          <div className="flex items-center gap-x-4">
            {data && data.count > 0 && <RetryAll filter={filter} count={data.count} />}
            <a href={queueExportUrl(filter)} download className="txt-compact-small text-ui-fg-interactive" data-testid="queue-export">Download CSV</a>
          </div>
        </>
      }
    />
  )
}

const resolvedColumns = createDataTableColumnHelper<ResolvedRecord>()

const ResolvedTable = ({ data, isLoading, pagination, setPagination }: {
  data: ResolvedResponse | null
  isLoading: boolean
  pagination: DataTablePaginationState
  setPagination: (p: DataTablePaginationState) => void
}) => {
  const defs = useMemo(
    () => [
      resolvedColumns.accessor("entity_id", {
        header: "Record",
        cell: ({ row }) => recordLink(row.original.admin_path, `${row.original.entity_type} ${row.original.entity_id}`),
      }),
      resolvedColumns.accessor("connection_id", { header: "Connection", cell: ({ row }) => `${row.original.connection_id} · ${row.original.operation}` }),
      resolvedColumns.accessor("resolved_by", {
        header: "Resolved",
        cell: ({ row }) => (row.original.resolved_by === "person" ? `by ${row.original.actor_id ?? "a person"}` : "by itself (a later run)"),
      }),
      resolvedColumns.accessor("status", { header: "Now" }),
      resolvedColumns.accessor("last_failure", { header: "Last failure", cell: ({ row }) => <Text size="xsmall" className="whitespace-normal" style={{ minWidth: 320, maxWidth: 480 }}>{row.original.last_failure ?? "—"}</Text> }),
      resolvedColumns.accessor("resolved_at", { header: "When", cell: ({ row }) => since(row.original.resolved_at) }),
    ],
    []
  )
  const rows = data?.resolved ?? []
  return (
    <ConsoleTable
      columns={defs}
      rows={rows}
      rowId={(r) => r.sync_record_id}
      // The resolved list is not counted: one more page is offered while a page comes back full.
      rowCount={pagination.pageIndex * pagination.pageSize + rows.length + (rows.length === pagination.pageSize ? 1 : 0)}
      isLoading={isLoading}
      pagination={pagination}
      onPagination={setPagination}
      testId="queue-resolved"
      toolbar={<Heading level="h2">Resolved</Heading>}
    />
  )
}

export const config = defineRouteConfig({ label: "Work queue", rank: 1 })

export default QueuePage
