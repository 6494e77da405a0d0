import { Badge, Button, Drawer, Heading, Text } from "@medusajs/ui"
import type { SyncRecord } from "../lib/types"

/** The latest external calls of one sync record (bodies are stored redacted), newest first. */
export const SyncLogDrawer = ({ record }: { record: SyncRecord }) => (
  <Drawer>
    <Drawer.Trigger asChild>
      <Button size="small" variant="transparent" data-testid="sync-log-open">
        Log ({record.logs.length})
      </Button>
    </Drawer.Trigger>
    <Drawer.Content>
      <Drawer.Header>
        <Drawer.Title>
          {record.connection_id}: {record.entity_type} {record.operation}
        </Drawer.Title>
      </Drawer.Header>
      <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
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
