import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Badge, Container, Heading, Text } from "@medusajs/ui"
import { EditAndRetryDrawer } from "../components/edit-and-retry-drawer"
import { ConnectionSyncRows, rowTitleBy } from "../components/sync-record-row"
import { orderSyncsKey, useOrderSyncs } from "../hooks/use-order-syncs"
import { useRetryWithToasts } from "../hooks/use-retry-sync"
import type { PaymentIssue } from "../lib/types"

const OPERATION_LABEL: Record<string, string> = { create: "Order", edit: "Order edit", returns: "Returns", "return-labels": "Return labels", exchanges: "Exchanges & claims", cancel: "Cancellation", "record-payments": "Payments", "record-refunds": "Refunds", "ship-labels": "Shipping labels", deliveries: "Shipped in ERP", deal: "Deal" }

/** "Order → erp", "Cancellation → erp", or "Event ← erp" for what the external system told us. */
const rowTitle = rowTitleBy(OPERATION_LABEL)

/** Order page: where this order stands in every connected system, with Retry and the call log. */
const OrderIntegrationSyncWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const { data, isLoading, isError, error } = useOrderSyncs(order.id)
  const { onRetry, retryingId } = useRetryWithToasts(orderSyncsKey(order.id))

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
          <ConnectionSyncRows
            key={connection.id}
            connection={connection}
            records={data.sync_records.filter((r) => r.connection_id === connection.id)}
            title={rowTitle}
            onRetry={onRetry}
            retryingId={retryingId}
            extraActions={(record) => !record.paused && <EditAndRetryDrawer record={record} refreshKey={orderSyncsKey(order.id)} />}
          />
        ))}
    </Container>
  )
}

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

export const config = defineWidgetConfig({ zone: "order.details.side.after" })

export default OrderIntegrationSyncWidget
