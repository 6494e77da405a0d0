import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type { BackfillRun, CutoverResponse, DriftFix, DriftItem, ReconciliationRun } from "../lib/types"

const cutoverKey = ["integration-hub", "cutover"]
const driftKey = ["integration-hub", "drift-items"]

const busy = (data: CutoverResponse | undefined) =>
  !!data?.connections.some((c) => c.runs.some((r) => r.status === "running") || c.backfills.some((b) => b.status === "running" || b.status === "stopping"))

/** Each connection's mode, reconciliations, clean days, held-back effects and backfills; polled while something runs. */
export function useCutover() {
  return useQuery({
    queryKey: cutoverKey,
    queryFn: () => sdk.client.fetch<CutoverResponse>("/admin/integrations/cutover"),
    refetchInterval: (query) => (busy(query.state.data) ? 1_000 : false),
  })
}

/** The open drift items of a connection (its latest reconciliation's report): read again when that run changes. */
export function useDriftItems(connectionId: string, latestRun: string) {
  return useQuery({
    queryKey: [...driftKey, connectionId, latestRun],
    queryFn: () => sdk.client.fetch<{ drift_items: DriftItem[]; count: number }>(`/admin/integrations/drift-items?connection_id=${encodeURIComponent(connectionId)}&status=open&limit=50`),
  })
}

/** Everything the cutover view shows is read again after any of its actions. */
function useCutoverMutation<TInput, TResult>(fn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: cutoverKey }), queryClient.invalidateQueries({ queryKey: driftKey })]),
  })
}

export const useReconcile = () =>
  useCutoverMutation((connectionId: string) =>
    sdk.client.fetch<{ run: ReconciliationRun }>(`/admin/integrations/connections/${encodeURIComponent(connectionId)}/reconcile`, { method: "POST", body: {} })
  )

export const useSwitchMode = () =>
  useCutoverMutation(({ connectionId, mode }: { connectionId: string; mode: "live" | "shadow" }) =>
    sdk.client.fetch<{ mode: string; message: string; backfill: BackfillRun | null }>(`/admin/integrations/connections/${encodeURIComponent(connectionId)}/mode`, { method: "POST", body: { mode } })
  )

export const useStartBackfill = () =>
  useCutoverMutation((body: { connection_id: string; dry_run: boolean; from?: string; to?: string; order_numbers?: number[]; shadow_skipped?: boolean }) =>
    sdk.client.fetch<{ backfill: BackfillRun }>("/admin/integrations/backfills", { method: "POST", body })
  )

export const useBackfillAction = () =>
  useCutoverMutation(({ id, action }: { id: string; action: "stop" | "resume" }) =>
    sdk.client.fetch<{ backfill: BackfillRun }>(`/admin/integrations/backfills/${encodeURIComponent(id)}/${action}`, { method: "POST", body: {} })
  )

export const useFixDrift = () =>
  useCutoverMutation(({ id, fix, reason }: { id: string; fix: DriftFix; reason?: string }) =>
    sdk.client.fetch<{ drift_item: DriftItem }>(`/admin/integrations/drift-items/${encodeURIComponent(id)}/fix`, { method: "POST", body: { fix, ...(reason ? { reason } : {}) } })
  )
