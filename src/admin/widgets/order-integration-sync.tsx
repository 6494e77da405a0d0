import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Badge, Button, Container, Heading, Text, toast } from "@medusajs/ui"
import { EditAndRetryDrawer } from "../components/edit-and-retry-drawer"
import { SyncLogDrawer } from "../components/sync-log-drawer"
import { SyncStatusBadge } from "../components/sync-status-badge"
import { useOrderSyncs, useRetrySync } from "../hooks/use-order-syncs"
import type { Connection, PaymentIssue, SyncRecord } from "../lib/types"

const OPERATION_LABEL: Record<string, string> = { create: "Order", cancel: "Cancellation", "record-payments": "Payments", "record-refunds": "Refunds", "ship-labels": "Shipping labels" }

/** "Order → erp", "Cancellation → erp", or "Event ← erp" for what the external system told us. */
const rowTitle = (record: SyncRecord) =>
  record.direction === "in" ? `Event ← ${record.connection_id}` : `${OPERATION_LABEL[record.operation] ?? record.operation} → ${record.connection_id}`

/** Order page: where this order stands in every connected system, with Retry and the call log. */
const OrderIntegrationSyncWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const { data, isLoading, isError, error } = useOrderSyncs(order.id)
  const retry = useRetrySync(order.id)

  const onRetry = (record: SyncRecord) =>
    retry.mutate(record.id, {
      onSuccess: (res) => {
        const status = res.sync_record.status
        if (status === "synced") toast.success(res.message)
        else if (!res.retried) toast.info(res.message)
        else toast.error(res.message)
      },
      onError: (err) => toast.error(`Retry failed: ${err.message}`),
    })

  return (
    <Container className="divide-y p-0" data-testid="integration-sync-widget">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Integrations</Heading>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading sync status…</Text>}
      {isError && (
        <Text className="px-6 py-4 text-ui-fg-error" size="small">
          Could not load the sync status: {error.message}
        </Text>
      )}
      {data && data.payment_issues.map((issue) => <PaymentIssueRow key={issue.kind === "dispute" ? issue.dispute : issue.kind} issue={issue} />)}
      {data && data.connections.length === 0 && (
        <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="no-connections">
          No integration connections are configured. Add one under the medusa-integration-hub plugin's
          <code className="mx-1">connections</code> option to sync orders to your ERP.
        </Text>
      )}
      {data &&
        data.connections.map((connection) => (
          <ConnectionRows
            key={connection.id}
            connection={connection}
            records={data.sync_records.filter((r) => r.connection_id === connection.id)}
            onRetry={onRetry}
            retryingId={retry.isPending ? retry.variables : undefined}
            orderId={order.id}
          />
        ))}
    </Container>
  )
}

const ConnectionRows = ({
  connection,
  records,
  onRetry,
  retryingId,
  orderId,
}: {
  connection: Connection
  records: SyncRecord[]
  onRetry: (r: SyncRecord) => void
  retryingId?: string
  orderId: string
}) => {
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
        <div key={record.id} className="flex flex-col gap-y-2 px-6 py-4" data-testid={`sync-row-${connection.id}`}>
          <div className="flex items-center justify-between gap-x-2">
            <Text size="small" weight="plus">
              {rowTitle(record)}
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
          {record.paused && record.status !== "synced" && record.status !== "skipped" && (
            <Text size="xsmall" className="text-ui-fg-subtle" data-testid="sync-paused">
              Connection {connection.id} is disabled: this record waits and resumes when it is enabled again.
            </Text>
          )}
          {record.last_error && record.status !== "synced" && (
            <Text size="small" className="text-ui-fg-error" data-testid="sync-error">
              {record.last_error}
            </Text>
          )}
          {record.result_summary && record.status !== "failed" && (
            <Text size="xsmall" className="text-ui-fg-subtle">{record.result_summary}</Text>
          )}
          <div className="flex items-center justify-end gap-x-2">
            <SyncLogDrawer record={record} />
            {!record.paused && <EditAndRetryDrawer record={record} orderId={orderId} />}
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
      ))}
    </>
  )
}

/** Failed, dead and pending records can be run now, and a shadow-skipped one once its connection is live. */
const canRetry = (record: SyncRecord) =>
  !record.paused &&
  (["failed", "dead", "pending"].includes(record.status) ||
    (record.status === "skipped" && record.skip_code === "shadow" && record.connection?.mode === "live"))

const DISPUTE_BADGE = { open: { color: "red", label: "Disputed" }, won: { color: "green", label: "Dispute won" }, lost: { color: "red", label: "Dispute lost" }, closed: { color: "grey", label: "Dispute closed" } } as const
const words = (code: string) => code.replace(/_/g, " ")

/** A dispute or a failed payment the gateway reported, above the connections: staff must see it first. */
const PaymentIssueRow = ({ issue }: { issue: PaymentIssue }) => {
  if (issue.kind !== "dispute") {
    return (
      <div className="flex flex-col gap-y-1 px-6 py-4" data-testid="payment-issue">
        <div className="flex items-center justify-between gap-x-2">
          <Text size="small" weight="plus">Payment {issue.kind === "failed" ? "failed" : "canceled"} at the gateway</Text>
          <Badge size="2xsmall" color={issue.kind === "failed" ? "red" : "orange"}>{issue.kind === "failed" ? "Payment failed" : "Payment canceled"}</Badge>
        </div>
        <Text size="small" className="text-ui-fg-error">{issue.reason}</Text>
        <Text size="xsmall" className="text-ui-fg-subtle">{new Date(issue.occurred_at).toLocaleString()} · {issue.payment_id}</Text>
      </div>
    )
  }
  const badge = DISPUTE_BADGE[issue.state]
  return (
    <div className="flex flex-col gap-y-1 px-6 py-4" data-testid="payment-issue">
      <div className="flex items-center justify-between gap-x-2">
        <Text size="small" weight="plus">{issue.amount} {issue.currency_code} disputed</Text>
        <Badge size="2xsmall" color={badge.color} data-testid="dispute-state">{badge.label}</Badge>
      </div>
      <Text size="small">Reason: {words(issue.reason)}</Text>
      {issue.state === "open" && issue.due_by && (
        <Text size="small" className="text-ui-fg-error">Answer with evidence in the gateway's dashboard by {new Date(issue.due_by).toLocaleDateString()}</Text>
      )}
      {issue.state === "lost" && <Text size="small" className="text-ui-fg-error">The bank sided with the customer: the amount is gone.</Text>}
      <Text size="xsmall" className="text-ui-fg-subtle">{new Date(issue.occurred_at).toLocaleString()} · {issue.dispute}</Text>
    </div>
  )
}

const ExternalReference = ({ record }: { record: SyncRecord }) => {
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

export const config = defineWidgetConfig({ zone: "order.details.side.after" })

export default OrderIntegrationSyncWidget
