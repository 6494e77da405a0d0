import { Badge, Button, Container, Heading, Input, Label, Table, Text, toast } from "@medusajs/ui"
import { useState } from "react"
import { Link } from "react-router-dom"
import { useBackfillAction, useCutover, useDriftItems, useFixDrift, useReconcile, useStartBackfill, useSwitchMode } from "../hooks/use-cutover"
import type { BackfillOutcome, BackfillRun, CutoverConnection, DriftFix, DriftItem } from "../lib/types"

const when = (iso: string) => new Date(iso).toLocaleString()
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** What each outcome is called, in a dry run and in a real one. */
const OUTCOME: Record<BackfillOutcome, [string, string]> = {
  already: ["already sent", "already sent"],
  existing: ["in the ERP already", "linked (our reference)"],
  linked: ["written by the legacy integration", "linked (legacy)"],
  created: ["would be created", "created"],
  invalid: ["refused", "refused"],
  failed: ["failed", "failed"],
}
const FIX_LABEL: Record<DriftFix, string> = { resend: "Send again", accept: "Take theirs", ignore: "Ignore…" }
const OPERATION_WORDS: Record<string, string> = {
  "order.create": "order", "order.edit": "order edit", "order.returns": "return record", "order.return-labels": "return label", "order.exchanges": "exchange sale", "order.cancel": "cancellation", "order.record-payments": "payment record", "order.record-refunds": "refund record",
  "order.ship-labels": "label", "customer.contact": "contact", "order.deal": "deal",
}

/**
 * Moving from the integration being replaced: per connection its mode, the last reconciliations and how many days
 * in a row they were clean, the drift to fix, backfills of past orders, and the switch from shadow to live, which
 * says what it will send before it sends it.
 */
export const CutoverSection = () => {
  const { data, isLoading, isError, error } = useCutover()
  return (
    <Container className="divide-y p-0" data-testid="cutover">
      <div className="px-6 py-4">
        <Heading level="h2">Cutover</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Run a connection in shadow mode next to the integration it replaces, reconcile daily, backfill what is missing,
          and switch it to live once reconciliation has been clean for enough days in a row.
        </Text>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading…</Text>}
      {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the cutover view: {error.message}</Text>}
      {data?.connections.map((c) => <ConnectionCutover key={c.id} connection={c} />)}
    </Container>
  )
}

const ConnectionCutover = ({ connection: c }: { connection: CutoverConnection }) => {
  const reconcile = useReconcile()
  const { clean_days, cleanDaysToGoLive, ready, windowDays } = c.reconciliation
  const held = Object.entries(c.held_back)
  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid={`cutover-${c.id}`}>
      <div className="flex items-center justify-between gap-x-2">
        <div className="flex items-center gap-x-2">
          <Text weight="plus">{c.id}</Text>
          <Text size="small" className="text-ui-fg-subtle">{c.provider} · {c.kind}</Text>
          <Badge size="2xsmall" color={c.mode === "live" ? "green" : "orange"} data-testid="cutover-mode">{c.mode === "live" ? "Live" : "Shadow"}</Badge>
          <Badge size="2xsmall" color={ready ? "green" : "grey"} data-testid="cutover-clean-days">
            Clean for {plural(clean_days, "day")} in a row (of {cleanDaysToGoLive})
          </Badge>
        </div>
        <div className="flex items-start gap-x-2">
          <Button size="small" variant="secondary" isLoading={reconcile.isPending} data-testid="cutover-reconcile"
            onClick={() => reconcile.mutate(c.id, { onSuccess: () => toast.info(`Reconciling ${c.id} over the last ${plural(windowDays, "day")}…`), onError: (e) => toast.error(e.message) })}>
            Reconcile now
          </Button>
          <ModeSwitch connection={c} />
        </div>
      </div>
      {c.mode_changed_at && (
        <Text size="xsmall" className="text-ui-fg-subtle">Switched to {c.mode} {when(c.mode_changed_at)}{c.mode_changed_by ? ` by ${c.mode_changed_by}` : ""} (options say {c.configured_mode}).</Text>
      )}
      {held.length > 0 && (
        <Text size="small" data-testid="cutover-held-back">
          Held back in shadow mode: {held.map(([op, n]) => plural(n, OPERATION_WORDS[op] ?? op)).join(", ")}.
        </Text>
      )}
      <RunsTable connection={c} />
      {c.open_drift > 0 && <DriftList connectionId={c.id} latestRun={`${c.runs[0]?.id}:${c.runs[0]?.status}`} />}
      {c.kind === "erp" && <Backfills connection={c} />}
    </div>
  )
}

/** Shadow → live only after saying what going live sends (a dry run of what shadow mode held back); live → shadow at once. */
const ModeSwitch = ({ connection: c }: { connection: CutoverConnection }) => {
  const switchMode = useSwitchMode()
  const start = useStartBackfill()
  const [previewId, setPreviewId] = useState<string | null>(null)
  const preview = previewId ? c.backfills.find((b) => b.id === previewId) : undefined
  const heldOrders = c.held_back["order.create"] ?? 0
  const go = (mode: "live" | "shadow") =>
    switchMode.mutate({ connectionId: c.id, mode }, {
      onSuccess: (res) => { setPreviewId(null); toast.success(res.message) },
      onError: (e) => toast.error(e.message),
    })
  if (c.mode === "live") {
    return <Button size="small" variant="secondary" onClick={() => go("shadow")} isLoading={switchMode.isPending} data-testid="cutover-to-shadow">Back to shadow</Button>
  }
  if (!previewId) {
    const onClick = () =>
      c.kind === "erp" && heldOrders > 0
        ? start.mutate({ connection_id: c.id, dry_run: true, shadow_skipped: true }, { onSuccess: (res) => setPreviewId(res.backfill.id), onError: (e) => toast.error(e.message) })
        : setPreviewId("none")
    return <Button size="small" onClick={onClick} isLoading={start.isPending} data-testid="cutover-go-live">Go live…</Button>
  }
  const counts = preview?.counts
  return (
    <div className="flex max-w-md flex-col gap-y-2 rounded-md border p-3" data-testid="cutover-go-live-preview">
      {previewId === "none" ? (
        <Text size="small">Nothing was held back in shadow mode: from now on, new changes are sent to {c.id}.</Text>
      ) : !preview || preview.status === "running" ? (
        <Text size="small">Checking the {plural(heldOrders, "order")} held back in shadow mode… {preview ? `${preview.processed}/${preview.total}` : ""}</Text>
      ) : (
        <Text size="small">
          Going live sends the {plural(preview.total, "order")} held back in shadow mode: {counts!.linked + counts!.existing} already in {c.id} will be
          linked, not created; {counts!.created} will be created; {counts!.invalid} are refused (see the dry run below). Payments, cancellations and
          other effects held back stay skipped: the legacy integration made them.
        </Text>
      )}
      <div className="flex gap-x-2">
        <Button size="small" disabled={previewId !== "none" && preview?.status !== "done"} isLoading={switchMode.isPending} onClick={() => go("live")} data-testid="cutover-confirm-live">Go live</Button>
        <Button size="small" variant="secondary" onClick={() => setPreviewId(null)}>Cancel</Button>
      </div>
    </div>
  )
}

const RunsTable = ({ connection: c }: { connection: CutoverConnection }) =>
  c.runs.length === 0 ? (
    <Text size="small" className="text-ui-fg-subtle">No reconciliation yet{c.reconciliation.everyHours ? `: the first runs within ${plural(c.reconciliation.everyHours, "hour")}` : ""}.</Text>
  ) : (
    <Table data-testid="cutover-runs">
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell>Reconciled</Table.HeaderCell>
          <Table.HeaderCell>Window</Table.HeaderCell>
          <Table.HeaderCell>Checked</Table.HeaderCell>
          <Table.HeaderCell>Drift</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {c.runs.slice(0, 5).map((r) => (
          <Table.Row key={r.id}>
            <Table.Cell>{when(r.created_at)} <span className="text-ui-fg-subtle">({r.trigger === "schedule" ? "daily" : "by hand"})</span></Table.Cell>
            <Table.Cell>{new Date(r.window_from).toLocaleDateString()} – {new Date(r.window_to).toLocaleDateString()}</Table.Cell>
            <Table.Cell>{r.status === "done" ? r.checked : "—"}</Table.Cell>
            <Table.Cell>
              {r.status === "running" ? "running…" : r.status === "failed" ? <span className="text-ui-fg-error">failed: {r.error}</span> : r.drift_count === 0 ? <Badge size="2xsmall" color="green">clean</Badge> : <Badge size="2xsmall" color="red">{r.drift_count}</Badge>}
            </Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  )

/** Where a drift item's record is in the admin. */
const recordLink = (d: DriftItem) => (d.entity_type === "order" ? `/orders/${d.entity_id}` : d.entity_type === "customer" ? `/customers/${d.entity_id}` : d.entity_type === "inventory_item" ? `/inventory/${d.entity_id}` : null)

const DriftList = ({ connectionId, latestRun }: { connectionId: string; latestRun: string }) => {
  const { data } = useDriftItems(connectionId, latestRun)
  const fix = useFixDrift()
  const [ignoring, setIgnoring] = useState<{ id: string; reason: string } | null>(null)
  const apply = (id: string, chosen: DriftFix, reason?: string) =>
    fix.mutate({ id, fix: chosen, reason }, {
      onSuccess: (res) => { setIgnoring(null); toast.success(res.drift_item.note ?? "Done") },
      onError: (e) => toast.error(e.message),
    })
  return (
    <div className="flex flex-col gap-y-2" data-testid="cutover-drift">
      {data?.drift_items.map((d) => {
        const link = recordLink(d)
        return (
          <div key={d.id} className="flex items-start justify-between gap-x-3 rounded-md border px-3 py-2" data-testid={`drift-${d.kind}`}>
            <div>
              <Text size="small">{d.message}</Text>
              {link && <Link to={link} className="text-ui-fg-interactive text-xs">open {d.entity_type.replace("_", " ")}</Link>}
            </div>
            {ignoring?.id === d.id ? (
              <div className="flex items-center gap-x-2">
                <Input size="small" placeholder="Why is this fine?" value={ignoring.reason} onChange={(e) => setIgnoring({ id: d.id, reason: e.target.value })} />
                <Button size="small" variant="secondary" disabled={!ignoring.reason.trim()} onClick={() => apply(d.id, "ignore", ignoring.reason)}>Ignore</Button>
              </div>
            ) : (
              <div className="flex shrink-0 gap-x-2">
                {d.fixes.map((f) => (
                  <Button key={f} size="small" variant={f === "ignore" ? "transparent" : "secondary"} isLoading={fix.isPending && fix.variables?.id === d.id && fix.variables.fix === f}
                    onClick={() => (f === "ignore" ? setIgnoring({ id: d.id, reason: "" }) : apply(d.id, f))} data-testid={`drift-fix-${f}`}>
                    {FIX_LABEL[f]}
                  </Button>
                ))}
              </div>
            )}
          </div>
        )
      })}
    </div>
  )
}

/** Past orders to the ERP: choose them, see a dry run, send them; progress, stop and resume. */
const Backfills = ({ connection: c }: { connection: CutoverConnection }) => {
  const start = useStartBackfill()
  const action = useBackfillAction()
  const [from, setFrom] = useState("")
  const [to, setTo] = useState("")
  const [numbers, setNumbers] = useState("")
  const orderNumbers = numbers.split(/[\s,]+/).filter(Boolean).map(Number)
  const chosen = !!from || !!to || orderNumbers.length > 0
  const run = (dryRun: boolean) =>
    start.mutate(
      { connection_id: c.id, dry_run: dryRun, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(orderNumbers.length ? { order_numbers: orderNumbers } : {}) },
      { onError: (e) => toast.error(e.message) }
    )
  return (
    <div className="flex flex-col gap-y-2" data-testid="cutover-backfill">
      <Text size="small" weight="plus">Backfill past orders</Text>
      <div className="flex items-end gap-x-2">
        <div><Label size="xsmall">From</Label><Input size="small" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backfill-from" /></div>
        <div><Label size="xsmall">To</Label><Input size="small" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="backfill-to" /></div>
        <div><Label size="xsmall">or order numbers</Label><Input size="small" placeholder="1001, 1002" value={numbers} onChange={(e) => setNumbers(e.target.value)} /></div>
        <Button size="small" variant="secondary" disabled={!chosen} isLoading={start.isPending && start.variables?.dry_run} onClick={() => run(true)} data-testid="backfill-dry-run">Dry run</Button>
        <Button size="small" disabled={!chosen || c.mode === "shadow"} title={c.mode === "shadow" ? "In shadow mode nothing is written: go live first" : undefined}
          isLoading={start.isPending && !start.variables?.dry_run} onClick={() => run(false)} data-testid="backfill-send">Send</Button>
      </div>
      {c.backfills.map((b) => <BackfillRow key={b.id} run={b} onAction={(a) => action.mutate({ id: b.id, action: a }, { onError: (e) => toast.error(e.message) })} />)}
    </div>
  )
}

const BackfillRow = ({ run: b, onAction }: { run: BackfillRun; onAction: (a: "stop" | "resume") => void }) => {
  const share = b.total ? Math.round((b.processed / b.total) * 100) : 100
  const counts = (Object.keys(OUTCOME) as BackfillOutcome[]).filter((o) => b.counts[o]).map((o) => `${OUTCOME[o][b.dry_run ? 0 : 1]} ${b.counts[o]}`)
  const refused = b.items.filter((i) => i.outcome === "invalid" || i.outcome === "failed")
  const what = b.selection.shadow_skipped ? "held back in shadow mode" : b.selection.order_numbers ? `#${b.selection.order_numbers.join(", #")}` : `${b.selection.from ?? "…"} – ${b.selection.to ?? "…"}`
  return (
    <div className="rounded-md border px-3 py-2" data-testid={`backfill-${b.id}`}>
      <div className="flex items-center justify-between gap-x-2">
        <Text size="small">{b.dry_run ? "Dry run" : "Backfill"} of orders {what} · {b.status} · {b.processed}/{b.total}</Text>
        {(b.status === "running") && <Button size="small" variant="secondary" onClick={() => onAction("stop")}>Stop</Button>}
        {(b.status === "stopped" || b.status === "failed") && <Button size="small" variant="secondary" onClick={() => onAction("resume")}>Resume</Button>}
      </div>
      <div className="bg-ui-bg-subtle my-1 h-1.5 w-full rounded"><div className="bg-ui-fg-interactive h-1.5 rounded" style={{ width: `${share}%` }} /></div>
      {counts.length > 0 && <Text size="xsmall" className="text-ui-fg-subtle" data-testid="backfill-counts">{counts.join(" · ")}</Text>}
      {b.error && <Text size="xsmall" className="text-ui-fg-error">{b.error}</Text>}
      {refused.slice(0, 5).map((i) => (
        <Text key={i.order_id} size="xsmall" className="text-ui-fg-error">#{i.display_id ?? i.order_id}: {i.message}</Text>
      ))}
    </div>
  )
}
