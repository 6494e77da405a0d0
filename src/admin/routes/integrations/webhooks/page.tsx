import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Button, createDataTableColumnHelper, DataTablePaginationState, Heading, StatusBadge, Text, toast } from "@medusajs/ui"
import { useMemo, useState } from "react"
import { Link } from "react-router-dom"
import { ConsoleTable } from "../../../components/console-table"
import { FilterSelect } from "../../../components/filter-select"
import { useConnectionsHealth, useRetryWebhookEvent, useWebhookEvents } from "../../../hooks/use-console"
import type { WebhookEventRow } from "../../../lib/console-types"

const STATUS: Record<WebhookEventRow["status"], { label: string; color: "green" | "grey" | "orange" | "red" | "blue" }> = {
  received: { label: "Received", color: "blue" },
  processed: { label: "Applied", color: "green" },
  ignored: { label: "Ignored", color: "grey" },
  failed: { label: "Failed", color: "orange" },
  dead: { label: "Dead", color: "red" },
  rejected: { label: "Rejected", color: "red" },
}
const STATUSES = Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))
/** Why a delivery was refused, for staff (the HTTP answer it got). */
const REJECTION: Record<string, string> = {
  bad_signature: "401 · the signature did not verify",
  missing_signature: "401 · no signature",
  timestamp_out_of_tolerance: "401 · too old or too far ahead (replay window)",
  malformed: "400 · not an event the provider reads",
  too_large: "413 · body over webhooks.maxBodyBytes",
  more_rejected: "counted, not recorded one by one",
}
const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`)
const columns = createDataTableColumnHelper<WebhookEventRow>()

/**
 * Every webhook delivery, newest first: what arrived from which connection, whether its signature verified, what
 * became of it (applied, ignored, failed, dead) with Retry for a failed one; refused deliveries with their reason,
 * the body's SHA-256 and size (never the body).
 */
const WebhooksPage = () => {
  const [filter, setFilter] = useState<{ connection_id?: string; status?: string; event_type?: string }>({})
  const [pagination, setPagination] = useState<DataTablePaginationState>({ pageIndex: 0, pageSize: 20 })
  const { data, isLoading, isError, error } = useWebhookEvents(filter, { limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize })
  const connections = useConnectionsHealth().data?.connections ?? []
  const retry = useRetryWebhookEvent()
  const change = (patch: Partial<typeof filter>) => {
    setFilter((f) => ({ ...f, ...patch }))
    setPagination((p) => ({ ...p, pageIndex: 0 }))
  }
  const defs = useMemo(
    () => [
      columns.accessor("created_at", { header: "Received", cell: ({ row }) => new Date(row.original.created_at).toLocaleString() }),
      columns.accessor("connection_id", { header: "Connection" }),
      columns.accessor("event_type", {
        header: "Event",
        cell: ({ row }) => (
          <div className="flex flex-col">
            <Text size="small">{row.original.event_type ?? "—"}</Text>
            <Text size="xsmall" className="text-ui-fg-subtle">{row.original.provider_event_id ?? ""}</Text>
          </div>
        ),
      }),
      columns.accessor("status", {
        header: "Outcome",
        cell: ({ row }) => {
          const w = row.original
          return (
            <div className="flex flex-col gap-y-1">
              <StatusBadge color={STATUS[w.status].color}>{STATUS[w.status].label}</StatusBadge>
              {w.status === "rejected" && <Text size="xsmall" className="text-ui-fg-subtle" data-testid="webhook-rejection">{REJECTION[w.rejection_reason ?? ""] ?? w.rejection_reason}</Text>}
              {w.error && <Text size="xsmall" className="max-w-[360px] whitespace-normal text-ui-fg-subtle">{w.error}</Text>}
            </div>
          )
        },
      }),
      columns.accessor("entity_id", {
        header: "About",
        cell: ({ row }) => {
          const w = row.original
          if (!w.entity_id) return "—"
          return w.entity_type === "order" ? <Link to={`/orders/${w.entity_id}`} className="text-ui-fg-interactive">{w.entity_id}</Link> : `${w.entity_type} ${w.entity_id}`
        },
      }),
      columns.accessor("payload_hash", {
        header: "Body",
        cell: ({ row }) => <Text size="xsmall" className="font-mono" title={row.original.payload_hash}>{row.original.payload_hash ? `${row.original.payload_hash.slice(0, 12)}…` : "not read"} · {size(row.original.payload_size)}</Text>,
      }),
      columns.display({
        id: "actions",
        cell: ({ row }) =>
          (row.original.status === "failed" || row.original.status === "dead") && (
            <Button
              size="small"
              variant="secondary"
              isLoading={retry.isPending && retry.variables === row.original.id}
              onClick={() => retry.mutate(row.original.id, { onSuccess: (r) => toast.info(r.message), onError: (e) => toast.error(`Retry failed: ${e.message}`) })}
              data-testid="webhook-retry"
            >
              Retry
            </Button>
          ),
      }),
    ],
    [retry]
  )
  return (
    <ConsoleTable
      columns={defs}
      rows={data?.webhook_events ?? []}
      rowId={(r) => r.id}
      rowCount={data?.count ?? 0}
      isLoading={isLoading}
      pagination={pagination}
      onPagination={setPagination}
      testId="webhook-events"
      toolbarClassName="flex flex-col items-start gap-y-3 px-6 py-4"
      toolbar={
        <>
          <div>
            <Heading level="h1">Webhook events</Heading>
            <Text size="small" className="text-ui-fg-subtle">What the connected systems sent, newest first. A refused delivery keeps only why, its body's SHA-256 and its size.</Text>
          </div>
          <div className="flex flex-wrap gap-2">
            <FilterSelect value={filter.connection_id} anyLabel="Every connection" items={connections.map((c) => ({ value: c.id, label: c.id }))} onChange={(v) => change({ connection_id: v })} testId="webhooks-filter-connection" />
            <FilterSelect value={filter.status} anyLabel="Every outcome" items={STATUSES} onChange={(v) => change({ status: v })} testId="webhooks-filter-status" />
          </div>
          {isError && <Text size="small" className="text-ui-fg-error">Could not load the webhook events: {error.message}</Text>}
        </>
      }
    />
  )
}

export const config = defineRouteConfig({ label: "Webhook events", rank: 2 })

export default WebhooksPage
