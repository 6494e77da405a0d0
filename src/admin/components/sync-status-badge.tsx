import { StatusBadge } from "@medusajs/ui"
import type { SyncRecord } from "../lib/types"

type Color = "green" | "red" | "blue" | "orange" | "grey" | "purple"

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })

/** What a record's state means to staff, in a word or three. */
export function describeStatus(record: Pick<SyncRecord, "status" | "next_attempt_at" | "paused" | "last_error_code">): { label: string; color: Color } {
  if (record.paused && !["synced", "linked", "skipped"].includes(record.status)) return { label: "Paused", color: "purple" }
  switch (record.status) {
    case "synced":
      return { label: "Synced", color: "green" }
    case "linked":
      return { label: "Linked (legacy)", color: "green" }
    case "pending":
      return { label: "Pending", color: "grey" }
    case "running":
      return { label: "Sending…", color: "blue" }
    case "failed":
      if (record.next_attempt_at && record.last_error_code === "circuit_open") {
        return { label: `Waiting: connection failing (until ${time(record.next_attempt_at)})`, color: "orange" }
      }
      return record.next_attempt_at
        ? { label: `Retrying at ${time(record.next_attempt_at)}`, color: "orange" }
        : { label: "Failed", color: "red" }
    case "dead":
      return { label: "Dead (gave up)", color: "red" }
    case "skipped":
      return { label: "Skipped", color: "grey" }
  }
}

export const SyncStatusBadge = ({ record }: { record: Pick<SyncRecord, "status" | "next_attempt_at" | "paused" | "last_error_code"> }) => {
  const { label, color } = describeStatus(record)
  return (
    <StatusBadge color={color} data-testid="sync-status">
      {label}
    </StatusBadge>
  )
}
