import { FetchError } from "@medusajs/js-sdk"
import { useMutation, useQuery } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import { CONSOLE, useRefreshConsole } from "./use-console"
import type { ConnectionProblem, ConnectionSettingsResponse, ProvidersResponse, TestConnectionResponse } from "../lib/console-types"

/** What a form sends: the connection's id and provider, and its options (secret ones only when typed, null to remove). */
export type ConnectionDraft = { connection_id: string; provider: string; options: Record<string, unknown>; enabled?: boolean; credentials_expire?: Record<string, string> }

/** Every provider a connection can use, with its options' form. */
export function useProviders() {
  return useQuery({ queryKey: [...CONSOLE, "providers"], queryFn: () => sdk.client.fetch<ProvidersResponse>("/admin/integrations/providers") })
}

export function useConnectionSettings(id: string) {
  return useQuery({ queryKey: [...CONSOLE, "settings", id], queryFn: () => sdk.client.fetch<ConnectionSettingsResponse>(`/admin/integrations/connections/${id}`) })
}

/** The problems a 400 named, each by its field ("options.apiKey"); empty for any other failure. */
export const problemsOf = (err: unknown): ConnectionProblem[] => {
  // The SDK keeps the body's message; the route answers { message, problems }: the message lists them as "  - path: problem".
  const message = err instanceof FetchError || err instanceof Error ? err.message : ""
  return message
    .split("\n")
    .map((line) => /^\s+- ([^:]+): (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: m[1], message: m[2] }))
}

export function useCreateConnection() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: (draft: ConnectionDraft) => sdk.client.fetch<ConnectionSettingsResponse>("/admin/integrations/connections", { method: "POST", body: draft }),
    onSuccess: refresh,
  })
}

export function useUpdateConnection(id: string) {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: (change: { options?: Record<string, unknown>; enabled?: boolean; credentials_expire?: Record<string, string>; expected_version?: number }) =>
      sdk.client.fetch<ConnectionSettingsResponse>(`/admin/integrations/connections/${id}`, { method: "POST", body: change }),
    onSuccess: refresh,
  })
}

export function useDeleteConnection(id: string) {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: () => sdk.client.fetch<{ deleted: boolean }>(`/admin/integrations/connections/${id}`, { method: "DELETE" }),
    onSuccess: refresh,
  })
}

/** Test connection before saving: the draft's settings, with stored secrets where none were typed. */
export function useCheckConnection() {
  return useMutation({
    mutationFn: (draft: ConnectionDraft) => sdk.client.fetch<TestConnectionResponse>("/admin/integrations/connection-checks", { method: "POST", body: draft }),
  })
}

/** Connect (or reconnect) over OAuth: the vendor's authorize page to send staff to. */
export function useStartOAuth(id: string) {
  return useMutation({
    mutationFn: () => sdk.client.fetch<{ authorize_url: string; redirect_uri: string }>(`/admin/integrations/connections/${id}/oauth`, { method: "POST" }),
  })
}
