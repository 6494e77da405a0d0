import { Button, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import type { Connection, SyncRecord } from "../lib/types"
import { SyncLogDrawer } from "./sync-log-drawer"
import { SyncStatusBadge } from "./sync-status-badge"

type RowActions = {
  onRetry: (record: SyncRecord) => void
  /** The record whose retry is on its way (its button spins). */
  retryingId?: string
  /** What the row says the record is: "Order → erp", "Contact → crm". */
  title: (record: SyncRecord) => string
  /** Further buttons before Retry now (the order's edit-and-retry). */
  extraActions?: (record: SyncRecord) => ReactNode
}

/** A connection's rows for one entity: each of its records, or a line saying none was sent yet. */
export const ConnectionSyncRows = ({ connection, records, ...actions }: { connection: Connection; records: SyncRecord[] } & RowActions) => {
  if (!records.length) {
    return (
      <div className="px-6 py-4" data-testid={`sync-row-${connection.id}`}>
        <Text size="small" weight="plus">{connection.id}</Text>
        <Text size="small" className="text-ui-fg-subtle">
          {connection.enabled ? "Not sent yet; the next sweep (within a minute) picks it up." : "Connection disabled."}
        </Text>
      </div>
    )
  }
  return (
    <>
      {records.map((record) => (
        <SyncRecordRow key={record.id} connection={connection} record={record} {...actions} />
      ))}
    </>
  )
}

/** One effect in one system: its status, reference (linked), attempts, error in words, summary, log and Retry. */
export const SyncRecordRow = ({ connection, record, onRetry, retryingId, title, extraActions }: { connection: Connection; record: SyncRecord } & RowActions) => (
  <div className="flex flex-col gap-y-2 px-6 py-4" data-testid={`sync-row-${connection.id}`}>
    <div className="flex items-center justify-between gap-x-2">
      <Text size="small" weight="plus">
        {title(record)}
        {connection.mode === "shadow" && <span className="text-ui-fg-muted"> (shadow)</span>}
      </Text>
      <SyncStatusBadge record={record} />
    </div>
    <ExternalReference record={record} />
    <Text size="xsmall" className="text-ui-fg-subtle">
      Attempts: {record.attempts}
      {record.max_attempts ? ` of ${record.max_attempts}` : ""}
      {record.synced_at ? ` · done ${new Date(record.synced_at).toLocaleString()}` : ""}
    </Text>
    {record.paused && !["synced", "linked", "skipped"].includes(record.status) && (
      <Text size="xsmall" className="text-ui-fg-subtle" data-testid="sync-paused">
        Connection {connection.id} is disabled: this record waits and resumes when it is enabled again.
      </Text>
    )}
    {record.last_error && record.status !== "synced" && record.status !== "linked" && (
      <Text size="small" className="text-ui-fg-error" data-testid="sync-error">
        {record.last_error}
      </Text>
    )}
    {record.result_summary && record.status !== "failed" && (
      <Text size="xsmall" className="text-ui-fg-subtle">{record.result_summary}</Text>
    )}
    <div className="flex items-center justify-end gap-x-2">
      <SyncLogDrawer record={record} />
      {extraActions?.(record)}
      {canRetry(record) && (
        <Button
          size="small"
          variant="secondary"
          data-testid="sync-retry"
          disabled={record.status === "running" || retryingId === record.id}
          isLoading={retryingId === record.id}
          onClick={() => onRetry(record)}
        >
          Retry now
        </Button>
      )}
    </div>
  </div>
)

/** A row's title from the operation's words: "Order → erp", or "Event ← erp" for what the external system told us. */
export const rowTitleBy = (labels: Record<string, string>) => (record: SyncRecord) =>
  record.direction === "in" ? `Event ← ${record.connection_id}` : `${labels[record.operation] ?? record.operation} → ${record.connection_id}`

/** Failed, dead and pending records can be run now, and a shadow-skipped one once its connection is live. */
export const canRetry = (record: SyncRecord) =>
  !record.paused &&
  (["failed", "dead", "pending"].includes(record.status) ||
    (record.status === "skipped" && record.skip_code === "shadow" && record.connection?.mode === "live"))

/** The record's number or id in the external system, linked to it there when the provider knows the address. */
export const ExternalReference = ({ record }: { record: SyncRecord }) => {
  const label = record.external_number ?? record.external_id
  if (!label) return null
  return (
    <Text size="small" data-testid="sync-external-ref">
      Reference in {record.connection?.provider ?? record.connection_id}:{" "}
      {record.external_url ? (
        <a href={record.external_url} target="_blank" rel="noreferrer" className="text-ui-fg-interactive">
          {label}
        </a>
      ) : (
        <span className="font-mono">{label}</span>
      )}
    </Text>
  )
}
