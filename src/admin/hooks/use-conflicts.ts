import { useQuery } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type { ConflictsResponse } from "../lib/types"

/** The latest writes that were not applied because another system owns the data, newest first. */
export function useConflicts(limit = 50) {
  return useQuery({
    queryKey: ["integration-hub", "conflicts", limit],
    queryFn: () => sdk.client.fetch<ConflictsResponse>(`/admin/integrations/conflicts?limit=${limit}`),
  })
}
