import { QueryKey, useMutation, useQueryClient } from "@tanstack/react-query"
import { toast } from "@medusajs/ui"
import { sdk } from "../lib/sdk"
import type { RetryResponse, SyncRecord } from "../lib/types"

/** Runs a sync record now; the rows under `queryKey` (an order's, a customer's) refresh afterwards, whatever the outcome. */
export function useRetrySync(queryKey: QueryKey) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (syncRecordId: string) =>
      sdk.client.fetch<RetryResponse>(`/admin/integrations/sync-records/${syncRecordId}/retry`, { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  })
}

/** Retry now as the widgets offer it: the outcome in a toast, and which record is being retried (its button spins). */
export function useRetryWithToasts(queryKey: QueryKey) {
  const retry = useRetrySync(queryKey)
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
  return { onRetry, retryingId: retry.isPending ? retry.variables : undefined }
}

/** Refresh every few seconds while a record is still on its way (pending, running, or waiting for its retry). */
export const refreshWhileMoving = (records: SyncRecord[] | undefined): number | false =>
  records?.some((r) => r.status === "pending" || r.status === "running" || (r.status === "failed" && r.next_attempt_at)) ? 5_000 : false
