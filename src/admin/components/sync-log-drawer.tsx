import { Badge, Button, Drawer, Heading, Text } from "@medusajs/ui"
import type { SyncRecord } from "../lib/types"

const RUN_COLOR = { synced: "green", skipped: "grey", failed: "red", dead: "red", running: "blue", fenced: "orange" } as const

/** One sync record's history: its latest runs, then its latest external calls (bodies stored redacted), newest first. */
export const SyncLogDrawer = ({ record }: { record: SyncRecord }) => (
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
            </Text>
            <Badge size="2xsmall" color={RUN_COLOR[run.status]}>
              {run.status === "fenced" ? "superseded" : run.status}
            </Badge>
          </div>
        ))}
        <Heading level="h3">Calls</Heading>
        {record.logs.length === 0 && <Text size="small">No external call was made for this record.</Text>}
        {record.logs.map((log) => (
          <div key={log.id} className="rounded-md border p-3" data-testid="sync-log-entry">
            <div className="flex items-center justify-between gap-x-2">
              <Heading level="h3" className="truncate font-mono text-xs">
                {log.operation}
              </Heading>
              <Badge size="2xsmall" color={log.status === "success" ? "green" : "red"}>
                {log.http_status ?? log.status}
              </Badge>
            </div>
            <Text size="xsmall" className="text-ui-fg-subtle">
              {new Date(log.created_at).toLocaleString()} · {log.duration_ms} ms{log.attempt ? ` · attempt ${log.attempt}` : ""}
            </Text>
            {log.error && (
              <Text size="small" className="text-ui-fg-error mt-1">
                {log.error}
              </Text>
            )}
          </div>
        ))}
      </Drawer.Body>
    </Drawer.Content>
  </Drawer>
)
