import { Badge, Button, Container, Drawer, Heading, Input, Label, StatusBadge, Table, Text, toast } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { useConnectionsHealth, usePauseConnection, useTestConnection } from "../hooks/use-console"
import type { ConnectionHealth, ConnectionStatus, HealthWindow } from "../lib/console-types"

export const STATUS_BADGE: Record<ConnectionStatus, { label: string; color: "green" | "orange" | "red" | "purple" | "grey" }> = {
  healthy: { label: "Healthy", color: "green" },
  degraded: { label: "Degraded", color: "orange" },
  down: { label: "Down", color: "red" },
  circuit_open: { label: "Circuit open", color: "red" },
  credentials_refused: { label: "Credentials refused", color: "red" },
  reconnect_needed: { label: "Reconnect needed", color: "red" },
  paused: { label: "Paused", color: "purple" },
}

const pct = (share: number | null, places = 1) => (share === null ? "—" : `${(share * 100).toFixed(places)} %`)
const ms = (v: number | null) => (v === null ? "—" : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`)
const ago = (waitedMs: number | null) => {
  if (waitedMs === null) return "—"
  const min = Math.round(waitedMs / 60_000)
  return min < 1 ? "under a minute" : min < 90 ? `${min} min` : min < 48 * 60 ? `${Math.round(min / 60)} h` : `${Math.round(min / 1440)} d`
}
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never")

/** Availability over the three windows, the 24 h one first: "99.9 % · 99.7 % · 99.8 %". */
const Availability = ({ windows }: { windows: ConnectionHealth["health"]["windows"] }) => (
  <div className="flex flex-col" data-testid="connection-availability">
    <Text size="small" weight="plus">{pct(windows["24h"].availability, 2)}</Text>
    <Text size="xsmall" className="text-ui-fg-subtle">7 d {pct(windows["7d"].availability, 2)} · 30 d {pct(windows["30d"].availability, 2)}</Text>
  </div>
)

const Calls = ({ w }: { w: HealthWindow }) => (
  <div className="flex flex-col">
    <Text size="small">{w.calls} calls · {pct(w.error_rate)} errors</Text>
    <Text size="xsmall" className="text-ui-fg-subtle">
      p50 {ms(w.latency_ms.p50)} · p95 {ms(w.latency_ms.p95)} · {w.throttled} × 429{w.rate_limit_headroom === null ? "" : ` · ${pct(w.rate_limit_headroom, 0)} headroom`}
    </Text>
  </div>
)

const Queue = ({ q }: { q: ConnectionHealth["health"]["queue"] }) => {
  const waiting = q.pending + q.running + q.retrying + q.needs_attention + q.dead
  return (
    <div className="flex flex-col" data-testid="connection-queue">
      <Text size="small">{waiting === 0 ? "Nothing waiting" : `${q.pending + q.running} pending · ${q.retrying} retrying · ${q.needs_attention} need attention · ${q.dead} dead`}</Text>
      {waiting > 0 && <Text size="xsmall" className="text-ui-fg-subtle">oldest waiting {ago(q.oldest_waiting_ms)}</Text>}
    </div>
  )
}

/**
 * Every connection at a glance: its status in words, availability over 24 h / 7 d / 30 d, the last day's calls,
 * errors, latency and 429s, its queue and last success; Test connection, and Pause / Resume.
 */
export const ConnectionsOverview = () => {
  const { data, isLoading, isError, error } = useConnectionsHealth()
  return (
    <Container className="divide-y p-0" data-testid="connections-overview">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Connections</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Each connected system's health. Availability: the share of 5-minute spans in which its calls succeeded or none were needed.
          </Text>
        </div>
        <div className="flex items-center gap-x-4">
          <Link to="/integrations/connections/new" data-testid="add-connection"><Button size="small" variant="secondary">Add connection</Button></Link>
          <Link to="/integrations/queue" className="text-ui-fg-interactive txt-compact-small" data-testid="open-queue">Work queue →</Link>
          <Link to="/integrations/webhooks" className="text-ui-fg-interactive txt-compact-small">Webhook events →</Link>
          <Link to="/integrations/calls" className="text-ui-fg-interactive txt-compact-small">Call log →</Link>
        </div>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading…</Text>}
      {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the connections: {error.message}</Text>}
      {data?.not_running.map((n) => (
        <Text key={n.id} size="small" className="px-6 py-2 text-ui-fg-error" data-testid="connection-not-running">
          {n.id} does not run: {n.problem}
        </Text>
      ))}
      {data && data.connections.length === 0 && (
        <Text className="px-6 py-4 text-ui-fg-subtle" size="small">No connection yet: add one here, or in the plugin's connections option.</Text>
      )}
      {data && data.connections.length > 0 && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Connection</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell>Availability</Table.HeaderCell>
              <Table.HeaderCell>Last 24 h</Table.HeaderCell>
              <Table.HeaderCell>Queue</Table.HeaderCell>
              <Table.HeaderCell>Last success</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.connections.map((c) => <ConnectionRow key={c.id} c={c} />)}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}

const ConnectionRow = ({ c }: { c: ConnectionHealth & { source?: "config" | "stored" } }) => {
  const status = STATUS_BADGE[c.health.status]
  const test = useTestConnection()
  const pause = usePauseConnection()
  const onTest = () =>
    test.mutate(c.id, {
      onSuccess: (res) => (res.ok ? toast.success(`${res.message} in ${res.duration_ms} ms`) : toast.error(res.message)),
      onError: (err) => toast.error(`The test could not run: ${err.message}`),
    })
  const onResume = () =>
    pause.mutate({ id: c.id, paused: false }, { onSuccess: (res) => toast.success(res.message), onError: (err) => toast.error(err.message) })
  return (
    <Table.Row data-testid={`connection-row-${c.id}`}>
      <Table.Cell>
        <Link to={`/integrations/connections/${c.id}`} className="text-ui-fg-interactive txt-compact-small-plus" data-testid="connection-link">{c.id}</Link>
        <Text size="xsmall" className="text-ui-fg-subtle">{c.kind} · {c.provider} · {c.mode} · {c.source === "stored" ? "added in the admin" : "medusa-config"}</Text>
      </Table.Cell>
      <Table.Cell className="max-w-[320px]">
        <StatusBadge color={status.color} data-testid="connection-status">{status.label}</StatusBadge>
        <Text size="xsmall" className="text-ui-fg-subtle whitespace-normal" data-testid="connection-status-words">{c.health.status_words}</Text>
      </Table.Cell>
      <Table.Cell><Availability windows={c.health.windows} /></Table.Cell>
      <Table.Cell><Calls w={c.health.windows["24h"]} /></Table.Cell>
      <Table.Cell><Queue q={c.health.queue} /></Table.Cell>
      <Table.Cell>
        <Text size="small">{when(c.health.calls.last_success_at)}</Text>
        {c.health.circuit.state !== "closed" && <Badge size="2xsmall" color="red">circuit {c.health.circuit.state.replace("_", "-")}</Badge>}
      </Table.Cell>
      <Table.Cell>
        <div className="flex justify-end gap-x-2">
          <Button size="small" variant="secondary" onClick={onTest} isLoading={test.isPending} data-testid="connection-test">Test connection</Button>
          {c.health.pause ? (
            <Button size="small" variant="secondary" onClick={onResume} isLoading={pause.isPending} data-testid="connection-resume">Resume</Button>
          ) : (
            c.enabled && <PauseDrawer connectionId={c.id} />
          )}
        </div>
      </Table.Cell>
    </Table.Row>
  )
}

/** Pause with a reason staff will see on the connection and in the log. */
const PauseDrawer = ({ connectionId }: { connectionId: string }) => {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState("")
  const pause = usePauseConnection()
  const save = () =>
    pause.mutate(
      { id: connectionId, paused: true, reason: reason.trim() || undefined },
      {
        onSuccess: (res) => {
          toast.success(res.message)
          setOpen(false)
          setReason("")
        },
        onError: (err) => toast.error(`Could not pause: ${err.message}`),
      }
    )
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="secondary" data-testid="connection-pause">Pause</Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header><Drawer.Title>Pause {connectionId}</Drawer.Title></Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-3">
          <Text size="small" className="text-ui-fg-subtle">
            While paused, every change is still recorded but nothing is sent to {connectionId}; resuming sends what waited, oldest first.
          </Text>
          <Label htmlFor="pause-reason" size="small">Reason (shown with the status)</Label>
          <Input id="pause-reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. ERP maintenance until 14:00" data-testid="connection-pause-reason" />
        </Drawer.Body>
        <Drawer.Footer>
          <Drawer.Close asChild><Button size="small" variant="secondary">Cancel</Button></Drawer.Close>
          <Button size="small" onClick={save} isLoading={pause.isPending} data-testid="connection-pause-confirm">Pause</Button>
        </Drawer.Footer>
      </Drawer.Content>
    </Drawer>
  )
}
