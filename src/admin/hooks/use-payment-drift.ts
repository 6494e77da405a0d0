import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type { PaymentDriftCheckResponse, PaymentDriftResponse } from "../lib/types"

const driftKey = ["integration-hub", "payment-drift"]

/** The open disagreements between Medusa and the payment gateways, newest first. */
export function usePaymentDrift(limit = 50) {
  return useQuery({
    queryKey: [...driftKey, limit],
    queryFn: () => sdk.client.fetch<PaymentDriftResponse>(`/admin/integrations/payments/drift?status=open&limit=${limit}`),
  })
}

/** Runs the drift check now (the daily job's window); the table refreshes afterwards, whatever the outcome. */
export function useCheckPaymentDrift() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => sdk.client.fetch<PaymentDriftCheckResponse>("/admin/integrations/payments/drift/check", { method: "POST", body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: driftKey }),
  })
}
