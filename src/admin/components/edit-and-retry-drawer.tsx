import { Button, Drawer, Input, Label, Text, toast } from "@medusajs/ui"
import type { QueryKey } from "@tanstack/react-query"
import { useState } from "react"
import { useEditAndRetrySync } from "../hooks/use-order-syncs"
import type { SyncRecord } from "../lib/types"

/**
 * Edit-and-retry: staff correct the data the error named (a line's SKU, an address field) for this sync only,
 * then it runs again. Only changed fields are sent; an emptied field takes its correction back. Audited. The rows
 * under `refreshKey` (an order's syncs, the work queue) refresh afterwards; `initiallyOpen` opens it at once (the
 * work queue fetches the record when its button is pressed), `onClosed` says when it was closed.
 */
export const EditAndRetryDrawer = ({ record, refreshKey, initiallyOpen = false, onClosed }: { record: SyncRecord; refreshKey: QueryKey; initiallyOpen?: boolean; onClosed?: () => void }) => {
  const fields = record.editable_fields ?? []
  const [open, setOpenState] = useState(initiallyOpen)
  const setOpen = (next: boolean) => {
    setOpenState(next)
    if (!next) onClosed?.()
  }
  const [values, setValues] = useState<Record<string, string>>({})
  const [note, setNote] = useState("")
  const edit = useEditAndRetrySync(refreshKey)
  if (!fields.length) return null

  const changed = Object.fromEntries(
    fields
      .filter((f) => values[f.field] !== undefined && values[f.field] !== (f.value ?? ""))
      .map((f) => [f.field, values[f.field].trim() === "" ? null : values[f.field].trim()])
  )
  const save = () =>
    edit.mutate(
      { id: record.id, corrections: changed, note: note.trim() || undefined },
      {
        onSuccess: (res) => {
          if (res.sync_record.status === "synced") toast.success(res.message)
          else toast.error(res.message)
          setOpen(false)
          setValues({})
        },
        onError: (err) => toast.error(`Could not save the correction: ${err.message}`),
      }
    )

  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="secondary" data-testid="sync-edit-open">
          Edit & retry
        </Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header>
          <Drawer.Title>Correct the data sent to {record.connection_id}</Drawer.Title>
        </Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
          {record.last_error && (
            <Text size="small" className="text-ui-fg-error">
              {record.last_error}
            </Text>
          )}
          <Text size="xsmall" className="text-ui-fg-subtle">
            Corrections apply to this sync only; the order in Medusa stays as it is. Every edit is recorded with your name.
          </Text>
          {fields.map((f) => (
            <div key={f.field} className="flex flex-col gap-y-1">
              <Label size="xsmall" htmlFor={f.field}>
                {f.label}
                {f.corrected ? " (corrected)" : ""}
              </Label>
              <Input
                id={f.field}
                size="small"
                data-testid={`sync-edit-field-${f.field}`}
                value={values[f.field] ?? f.value ?? ""}
                onChange={(e) => setValues((v) => ({ ...v, [f.field]: e.target.value }))}
              />
            </div>
          ))}
          <div className="flex flex-col gap-y-1">
            <Label size="xsmall" htmlFor="sync-edit-note">
              Note for the audit log (optional)
            </Label>
            <Input id="sync-edit-note" size="small" value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
        </Drawer.Body>
        <Drawer.Footer>
          <Drawer.Close asChild>
            <Button size="small" variant="secondary">
              Cancel
            </Button>
          </Drawer.Close>
          <Button size="small" data-testid="sync-edit-save" disabled={!Object.keys(changed).length} isLoading={edit.isPending} onClick={save}>
            Save & retry
          </Button>
        </Drawer.Footer>
      </Drawer.Content>
    </Drawer>
  )
}
