import { QueryKey, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type { EditRequest, OrderSyncsResponse, RetryResponse } from "../lib/types"
import { refreshWhileMoving } from "./use-retry-sync"

export const orderSyncsKey = (orderId: string) => ["integration-hub", "order-syncs", orderId]

/** The order's sync records; refreshes every few seconds while one is still on its way. */
export function useOrderSyncs(orderId: string) {
  return useQuery({
    queryKey: orderSyncsKey(orderId),
    queryFn: () => sdk.client.fetch<OrderSyncsResponse>(`/admin/integrations/orders/${orderId}`),
    refetchInterval: (query) => refreshWhileMoving(query.state.data?.sync_records),
  })
}

/** Edit-and-retry: saves the corrections (audited) and runs the record again; the rows under `refreshKey` refresh afterwards. */
export function useEditAndRetrySync(refreshKey: QueryKey) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, corrections, note }: EditRequest) =>
      sdk.client.fetch<RetryResponse>(`/admin/integrations/sync-records/${id}/edit`, { method: "POST", body: { corrections, note } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: refreshKey }),
  })
}
