import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "../lib/sdk"
import type {
  AlertsResponse, BulkRetryResponse, HealthReportResponse, CallLogResponse, ConnectionHistoryResponse, WebhookEventsResponse, ConnectionsResponse, HistoryWindow, PauseResponse, QueueFilter, QueueResponse, ResolvedResponse, SyncRecordResponse, TestConnectionResponse,
} from "../lib/console-types"

export const CONSOLE = ["integration-hub", "console"] as const
const connectionsKey = [...CONSOLE, "connections"]
const queueKey = (filter: QueueFilter, page: { limit: number; offset: number }) => [...CONSOLE, "queue", filter, page]

/** Every connection with its health; refreshed every 15 s while the page is open. */
export function useConnectionsHealth() {
  return useQuery({
    queryKey: connectionsKey,
    queryFn: () => sdk.client.fetch<ConnectionsResponse>("/admin/integrations/connections"),
    refetchInterval: 15_000,
  })
}

/** One connection's history over a window (charts and incidents); refreshed every minute. */
export function useConnectionHistory(id: string, window: HistoryWindow) {
  return useQuery({
    queryKey: [...CONSOLE, "history", id, window],
    queryFn: () => sdk.client.fetch<ConnectionHistoryResponse>(`/admin/integrations/connections/${id}/history?window=${window}`),
    refetchInterval: 60_000,
  })
}

/** Whatever the console shows changes after an action: refresh all of it. */
export function useRefreshConsole() {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries({ queryKey: CONSOLE })
}

export function useTestConnection() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: (id: string) => sdk.client.fetch<TestConnectionResponse>(`/admin/integrations/connections/${id}/test`, { method: "POST" }),
    onSettled: refresh,
  })
}

export function usePauseConnection() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: ({ id, paused, reason }: { id: string; paused: boolean; reason?: string }) =>
      sdk.client.fetch<PauseResponse>(`/admin/integrations/connections/${id}/${paused ? "pause" : "resume"}`, { method: "POST", body: paused ? { reason } : {} }),
    onSettled: refresh,
  })
}

const query = (values: Record<string, string | number | undefined>) => {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v))
  return params.toString()
}

/** The work queue under a filter: groups by cause and one page of records (or the resolved ones). */
export function useQueue(filter: QueueFilter, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: queueKey(filter, page),
    queryFn: () => sdk.client.fetch<QueueResponse | ResolvedResponse>(`/admin/integrations/queue?${query({ ...filter, ...page })}`),
    refetchInterval: 15_000,
  })
}

/** The backend the admin talks to, for links the browser follows itself (downloads, printable pages). */
const backend = () => (typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__.replace(/\/$/, "") : "")

/** Where the open list downloads as CSV, under the same filter. */
export const queueExportUrl = (filter: QueueFilter) => {
  return `${backend()}/admin/integrations/queue/export?${query({ ...filter, view: filter.view === "resolved" ? "open" : filter.view })}`
}

export function useRetryQueue() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: (body: Omit<QueueFilter, "view"> & { view?: "open" | "in_flight"; limit?: number }) =>
      sdk.client.fetch<BulkRetryResponse>("/admin/integrations/queue/retry", { method: "POST", body }),
    onSettled: refresh,
  })
}

export function useIgnoreRecord() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      sdk.client.fetch<SyncRecordResponse>(`/admin/integrations/sync-records/${id}/ignore`, { method: "POST", body: { reason } }),
    onSettled: refresh,
  })
}

/** One record with its editable fields, fetched when its Edit & retry opens. */
export function useSyncRecord(id: string | null) {
  return useQuery({
    queryKey: [...CONSOLE, "record", id],
    queryFn: () => sdk.client.fetch<SyncRecordResponse>(`/admin/integrations/sync-records/${id}`),
    enabled: id !== null,
  })
}

/** Webhook deliveries, newest first, under a filter (connection, status, event type). */
export function useWebhookEvents(filter: Record<string, string | undefined>, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: [...CONSOLE, "webhooks", filter, page],
    queryFn: () => sdk.client.fetch<WebhookEventsResponse>(`/admin/integrations/webhook-events?${query({ ...filter, ...page })}`),
    refetchInterval: 15_000,
  })
}

export function useRetryWebhookEvent() {
  const refresh = useRefreshConsole()
  return useMutation({
    mutationFn: (id: string) => sdk.client.fetch<{ message: string }>(`/admin/integrations/webhook-events/${id}/retry`, { method: "POST" }),
    onSettled: refresh,
  })
}

/** The call log, newest first, under a filter (connection, direction, outcome). */
export function useCallLog(filter: Record<string, string | undefined>, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: [...CONSOLE, "calls", filter, page],
    queryFn: () => sdk.client.fetch<CallLogResponse>(`/admin/integrations/logs?${query({ ...filter, ...page })}`),
  })
}

/** The alerts sent, newest first, with the thresholds and the alerts open now. */
export function useAlerts(filter: { connection_id?: string }, page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: [...CONSOLE, "alerts", filter, page],
    queryFn: () => sdk.client.fetch<AlertsResponse>(`/admin/integrations/alerts?${query({ ...filter, ...page })}`),
    refetchInterval: 30_000,
  })
}

/** The health report of a month (YYYY-MM, the store's time zone). */
export function useHealthReport(month: string) {
  return useQuery({
    queryKey: [...CONSOLE, "report", month],
    queryFn: () => sdk.client.fetch<HealthReportResponse>(`/admin/integrations/reports/health?month=${month}`),
  })
}

/** The report as a download (csv) or a printable page (html), for links. */
export const reportUrl = (month: string, format: "csv" | "html") => `${backend()}/admin/integrations/reports/health?month=${month}&format=${format}`

export { CONSOLE as consoleKey }
