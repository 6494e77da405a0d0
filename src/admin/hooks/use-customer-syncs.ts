import { useQuery } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type { CustomerSyncsResponse } from "../lib/types"
import { refreshWhileMoving } from "./use-retry-sync"

export const customerSyncsKey = (customerId: string) => ["integration-hub", "customer-syncs", customerId]

/** The customer's sync records (its contact in each CRM); refreshes every few seconds while one is still on its way. */
export function useCustomerSyncs(customerId: string) {
  return useQuery({
    queryKey: customerSyncsKey(customerId),
    queryFn: () => sdk.client.fetch<CustomerSyncsResponse>(`/admin/integrations/customers/${customerId}`),
    refetchInterval: (query) => refreshWhileMoving(query.state.data?.sync_records),
  })
}
