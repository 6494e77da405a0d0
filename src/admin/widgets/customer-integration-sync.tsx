import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminCustomer, DetailWidgetProps } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { ConnectionSyncRows, rowTitleBy } from "../components/sync-record-row"
import { customerSyncsKey, useCustomerSyncs } from "../hooks/use-customer-syncs"
import { useRetryWithToasts } from "../hooks/use-retry-sync"

const OPERATION_LABEL: Record<string, string> = { contact: "Contact" }

/** "Contact → crm", or "Event ← crm" for what the CRM told us. */
const rowTitle = rowTitleBy(OPERATION_LABEL)

/** Customer page: the customer's contact in every connected CRM, with Retry and the call log. */
const CustomerIntegrationSyncWidget = ({ data: customer }: DetailWidgetProps<AdminCustomer>) => {
  const { data, isLoading, isError, error } = useCustomerSyncs(customer.id)
  const { onRetry, retryingId } = useRetryWithToasts(customerSyncsKey(customer.id))

  return (
    <Container className="divide-y p-0" data-testid="customer-integration-sync-widget">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Integrations</Heading>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading sync status…</Text>}
      {isError && (
        <Text className="px-6 py-4 text-ui-fg-error" size="small">
          Could not load the sync status: {error.message}
        </Text>
      )}
      {data && data.connections.length === 0 && (
        <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="no-connections">
          No CRM connection is configured. Add one of kind <code className="mx-1">crm</code> under the medusa-integration-hub
          plugin's <code className="mx-1">connections</code> option to keep customers in step with your CRM.
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
          />
        ))}
    </Container>
  )
}

export const config = defineWidgetConfig({ zone: "customer.details.side.after" })

export default CustomerIntegrationSyncWidget
