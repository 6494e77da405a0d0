import { Badge, Button, Drawer, Heading, Text } from "@medusajs/ui"
import type { IntegrationLogEntry, SyncRecord, SyncRun } from "../lib/types"

const RUN_COLOR = { synced: "green", skipped: "grey", failed: "red", dead: "red", running: "blue", fenced: "orange", deferred: "orange" } as const
const RUN_WORDS: Partial<Record<SyncRun["status"], string>> = { fenced: "superseded", deferred: "waited (circuit open)" }

type StepGroup = { key: string; label: string; compensation: boolean; calls: IntegrationLogEntry[]; failedHere: boolean }

/**
 * The calls of one attempt, in order, under the step that made them. The step whose call failed last (not an
 * undo) is the one that failed the attempt.
 */
export function groupCallsByStep(calls: IntegrationLogEntry[], attemptFailed: boolean): StepGroup[] {
  const ordered = [...calls].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))
  const groups: StepGroup[] = []
  for (const call of ordered) {
    const label = call.step_label ?? (call.direction === "in" ? "receive the event" : "call")
    const last = groups[groups.length - 1]
    if (last && last.label === label && last.compensation === call.compensation) last.calls.push(call)
    else groups.push({ key: call.id, label, compensation: call.compensation, calls: [call], failedHere: false })
  }
  if (attemptFailed) {
    const failing = [...groups].reverse().find((g) => !g.compensation && g.calls.some((c) => c.status === "error"))
    if (failing) failing.failedHere = true
  }
  return groups
}

/** One sync record's history: its latest runs, then each attempt's calls under their steps, in words. */
export const SyncLogDrawer = ({ record }: { record: SyncRecord }) => {
  const attempts = [...new Set(record.logs.map((l) => l.attempt ?? 0))].sort((a, b) => b - a)
  return (
    <Drawer>
      <Drawer.Trigger asChild>
        <Button size="small" variant="transparent" data-testid="sync-log-open">
          Log ({record.runs.length} {record.runs.length === 1 ? "run" : "runs"}, {record.logs.length} {record.logs.length === 1 ? "call" : "calls"})
        </Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header>
          <Drawer.Title>
            {record.connection_id}: {record.entity_type} {record.operation}
          </Drawer.Title>
        </Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
          <Heading level="h3">Runs</Heading>
          {record.runs.length === 0 && <Text size="small">Not run yet.</Text>}
          {record.runs.map((run) => (
            <div key={run.id} className="flex items-start justify-between gap-x-2" data-testid="sync-run-entry">
              <Text size="xsmall" className="text-ui-fg-subtle">
                #{run.attempt} · {run.trigger} · {new Date(run.started_at).toLocaleString()}
                {run.summary || run.error ? ` · ${run.error ?? run.summary}` : ""}
                {run.resolved_at ? " · resolved by a later run" : ""}
              </Text>
              <Badge size="2xsmall" color={RUN_COLOR[run.status]}>
                {RUN_WORDS[run.status] ?? run.status}
              </Badge>
            </div>
          ))}
          {record.audits.length > 0 && <Heading level="h3">Changes by staff</Heading>}
          {record.audits.map((a) => (
            <Text key={a.id} size="xsmall" className="text-ui-fg-subtle" data-testid="sync-audit-entry">
              {new Date(a.created_at).toLocaleString()} · {a.action === "edit" ? "edited" : a.action === "bulk_retry" ? "retried in bulk" : "retried"}
              {a.actor_id ? ` by ${a.actor_id}` : ""}
              {a.changes.length ? `: ${a.changes.map((c) => `${c.field} ${c.from ?? "(Medusa's value)"} → ${c.to ?? "(Medusa's value)"}`).join("; ")}` : ""}
              {a.note ? ` — ${a.note}` : ""}
            </Text>
          ))}
          <Heading level="h3">Calls, by step</Heading>
          {record.logs.length === 0 && <Text size="small">No external call was made for this record.</Text>}
          {attempts.map((attempt) => {
            const run = record.runs.find((r) => r.attempt === attempt)
            const failed = run ? run.status === "failed" || run.status === "dead" : false
            const groups = groupCallsByStep(record.logs.filter((l) => (l.attempt ?? 0) === attempt), failed)
            return (
              <div key={attempt} className="flex flex-col gap-y-2" data-testid="sync-attempt">
                <Text size="small" weight="plus">
                  {attempt ? `Attempt ${attempt}` : "Calls"}
                  {run ? ` · ${RUN_WORDS[run.status] ?? run.status}` : ""}
                </Text>
                {groups.map((g) => (
                  <div key={g.key} className={`rounded-md border p-3 ${g.failedHere ? "border-ui-border-error" : ""}`} data-testid="sync-step-group">
                    <div className="flex items-center justify-between gap-x-2">
                      <Text size="small" weight="plus" className={g.compensation ? "italic" : ""}>
                        {g.compensation ? g.label.charAt(0).toUpperCase() + g.label.slice(1) : `Step: ${g.label}`}
                      </Text>
                      {g.failedHere && (
                        <Badge size="2xsmall" color="red" data-testid="sync-step-failed">
                          failed here
                        </Badge>
                      )}
                    </div>
                    {g.calls.map((log) => (
                      <CallLine key={log.id} log={log} />
                    ))}
                  </div>
                ))}
              </div>
            )
          })}
        </Drawer.Body>
      </Drawer.Content>
    </Drawer>
  )
}

/** One call: what it did in words, its answer, and the redacted request/response one click away. */
const CallLine = ({ log }: { log: IntegrationLogEntry }) => (
  <details className="mt-2" data-testid="sync-log-entry">
    <summary className="flex cursor-pointer items-center justify-between gap-x-2">
      <Text size="xsmall" as="span">
        {log.description ?? log.operation}
        <span className="text-ui-fg-muted"> · {log.duration_ms} ms</span>
      </Text>
      <Badge size="2xsmall" color={log.status === "success" ? "green" : "red"}>
        {log.http_status ?? log.status}
      </Badge>
    </summary>
    <div className="mt-1 flex flex-col gap-y-1">
      <Text size="xsmall" className="font-mono text-ui-fg-subtle">
        {log.operation} · {new Date(log.created_at).toLocaleString()}
      </Text>
      {log.error && (
        <Text size="xsmall" className="text-ui-fg-error">
          {log.error}
        </Text>
      )}
      <pre className="max-h-40 overflow-auto rounded bg-ui-bg-subtle p-2 text-xs" data-testid="sync-log-bodies">
        {JSON.stringify({ request: log.request, response: log.response }, null, 2)}
      </pre>
    </div>
  </details>
)
