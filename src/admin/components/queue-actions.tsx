import { Button, Drawer, Label, Text, Textarea, toast } from "@medusajs/ui"
import { useState } from "react"
import { consoleKey, useIgnoreRecord, useSyncRecord } from "../hooks/use-console"
import { EditAndRetryDrawer } from "./edit-and-retry-drawer"

/**
 * The work queue's Edit & retry: the record (with the fields its error lets staff correct) is fetched when the
 * button is pressed; a record whose error is not about its data says so instead.
 */
export const QueueEditAndRetry = ({ id }: { id: string }) => {
  const [wanted, setWanted] = useState(false)
  const { data, isFetching } = useSyncRecord(wanted ? id : null)
  const record = wanted ? data?.sync_record : undefined
  if (record && record.editable_fields?.length) {
    return <EditAndRetryDrawer record={record} refreshKey={consoleKey} initiallyOpen onClosed={() => setWanted(false)} />
  }
  if (record) {
    return (
      <Text size="xsmall" className="text-ui-fg-subtle max-w-[160px] whitespace-normal" data-testid="queue-record-nothing-to-edit">
        Nothing to correct: the error is not about this record's data. Retry it, or fix it in the other system.
      </Text>
    )
  }
  return (
    <Button size="small" variant="secondary" isLoading={isFetching} onClick={() => setWanted(true)} data-testid="queue-record-edit">
      Edit & retry
    </Button>
  )
}

/** Ignore with a reason: the record needs nothing (kept in the audit with who and when). */
export const IgnoreDrawer = ({ id, label }: { id: string; label: string }) => {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState("")
  const ignore = useIgnoreRecord()
  const save = () =>
    ignore.mutate(
      { id, reason: reason.trim() },
      {
        onSuccess: () => {
          toast.success(`Ignored ${label}`)
          setOpen(false)
          setReason("")
        },
        onError: (err) => toast.error(`Could not ignore it: ${err.message}`),
      }
    )
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="transparent" data-testid="queue-record-ignore">Ignore</Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header><Drawer.Title>Ignore {label}</Drawer.Title></Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-3">
          <Text size="small" className="text-ui-fg-subtle">
            It leaves the queue and is not sent again unless someone retries it. Your name, the time and the reason are kept.
          </Text>
          <Label htmlFor={`ignore-${id}`} size="small">Why does it need nothing?</Label>
          <Textarea id={`ignore-${id}`} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. entered in the ERP by hand" data-testid="queue-ignore-reason" />
        </Drawer.Body>
        <Drawer.Footer>
          <Drawer.Close asChild><Button size="small" variant="secondary">Cancel</Button></Drawer.Close>
          <Button size="small" onClick={save} disabled={reason.trim().length < 3} isLoading={ignore.isPending} data-testid="queue-ignore-confirm">Ignore</Button>
        </Drawer.Footer>
      </Drawer.Content>
    </Drawer>
  )
}
