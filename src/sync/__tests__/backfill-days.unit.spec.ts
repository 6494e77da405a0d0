import type { MedusaContainer } from "@medusajs/framework/types"
import { selectOrders } from "../backfill"

/** A container whose query.graph records the filters it is given and finds no order. */
function recordingContainer() {
  const filters: Array<Record<string, unknown>> = []
  const query = { graph: async (q: { filters: Record<string, unknown> }) => (filters.push(q.filters), { data: [], metadata: { count: 0 } }) }
  return { container: { resolve: () => query } as unknown as MedusaContainer, filters }
}

describe("selectOrders: a backfill's days are the connection's time zone's days", () => {
  it.each<[string, { from?: string; to?: string }, string, Record<string, string>]>([
    ["one UTC day", { from: "2026-12-31", to: "2026-12-31" }, "UTC", { $gte: "2026-12-31T00:00:00.000Z", $lt: "2027-01-01T00:00:00.000Z" }],
    ["New Year's Eve in New York", { from: "2026-12-31", to: "2026-12-31" }, "America/New_York", { $gte: "2026-12-31T05:00:00.000Z", $lt: "2027-01-01T05:00:00.000Z" }],
    ["the 23-hour day DST starts in New York", { from: "2026-03-08", to: "2026-03-08" }, "America/New_York", { $gte: "2026-03-08T05:00:00.000Z", $lt: "2026-03-09T04:00:00.000Z" }],
    ["the 25-hour day DST ends in Berlin", { from: "2026-10-25", to: "2026-10-25" }, "Europe/Berlin", { $gte: "2026-10-24T22:00:00.000Z", $lt: "2026-10-25T23:00:00.000Z" }],
    ["December in Tokyo", { from: "2026-12-01", to: "2026-12-31" }, "Asia/Tokyo", { $gte: "2026-11-30T15:00:00.000Z", $lt: "2026-12-31T15:00:00.000Z" }],
    ["from a day on, in Kiritimati", { from: "2027-01-01" }, "Pacific/Kiritimati", { $gte: "2026-12-31T10:00:00.000Z" }],
    ["up to a day, in New York", { to: "2026-11-01" }, "America/New_York", { $lt: "2026-11-02T05:00:00.000Z" }],
  ])("%s", async (_, selection, timeZone, expected) => {
    const { container, filters } = recordingContainer()
    await selectOrders(container, "erp", timeZone, selection, 0, 25)
    const createdAt = filters[0].created_at as Record<string, Date>
    expect(Object.fromEntries(Object.entries(createdAt).map(([op, at]) => [op, at.toISOString()]))).toEqual(expected)
  })
})
