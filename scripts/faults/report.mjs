// The result table of `npm run faults`: one row per measure, its target, and whether it was met. Hard rows are the
// invariants (nothing lost, nothing duplicated, everything converged); the others are targets.

const int = (n) => n.toLocaleString("en-US")
const pct = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : "-")

/** Normalises a dead letter's error so that the same failure of different orders groups together. */
export const reasonOf = (record) =>
  (record.last_error ?? record.last_error_code ?? "no error recorded").replace(/order_[0-9A-Z]+/g, "order_…").replace(/#\d+/g, "#…")

/** Counts per reason, most frequent first. */
export function groupReasons(records) {
  const counts = new Map()
  for (const r of records) counts.set(reasonOf(r), (counts.get(reasonOf(r)) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])
}

/** The rows of the table from the run's measurements. */
export function resultRows(m) {
  const window = `${Math.round(m.windowS / 60)} min`
  return [
    { label: "orders placed", measured: int(m.placed), target: int(m.target), met: m.placed >= m.target },
    {
      label: `synced within ${window} while faults were on`,
      measured: `${int(m.syncedDuringFaults)} (${pct(m.syncedDuringFaults, m.placed)})`,
      target: "≥ 90 %",
      met: m.placed > 0 && m.syncedDuringFaults / m.placed >= 0.9,
    },
    { label: "synced exactly once in the end", measured: int(m.exactlyOnce), target: int(m.target), met: m.exactlyOnce === m.placed && m.placed >= m.target },
    { label: "lost (no sale in Tryton)", measured: int(m.lost), target: "0", met: m.lost === 0, hard: true },
    { label: "duplicated in the ERP (> 1 sale)", measured: int(m.duplicatedSales), target: "0", met: m.duplicatedSales === 0, hard: true },
    { label: "parties duplicated per e-mail", measured: int(m.duplicatedParties), target: "0", met: m.duplicatedParties === 0, hard: true },
    { label: "dead-lettered", measured: int(m.dead.length), target: "0", met: m.dead.length === 0 },
    {
      label: "time to converge after the last fault",
      measured: m.convergeS !== null ? `${m.convergeS} s` : m.stuck ? "never (records wait for a person)" : `not within ${m.convergeCapS} s`,
      target: "< 2 min",
      met: m.convergeS !== null && m.convergeS < 120,
    },
    { label: "all orders converged", measured: m.convergeS === null ? "no" : "yes", target: "yes", met: m.convergeS !== null, hard: true },
    // The proxy draws a 429 for 5 % of all calls whatever the client does, so this count cannot reach 0: it is shown,
    // and so are the calls that were already on their way when a 429 was answered (no client can recall them); the
    // last row (calls sent while a Retry-After was still running) is the one a client controls.
    { label: "429s received after the first", measured: int(m.rateLimit.afterFirst), target: "0 after the first", met: null },
    {
      label: "  of them in flight when the 429 came",
      measured: `${int(m.rateLimit.inFlight)} (arrived < ${m.rateLimit.inFlightMs} ms after it)`,
      target: "-",
      met: null,
    },
    { label: "  of them sent into an open Retry-After", measured: int(m.rateLimit.inWindow), target: "0", met: m.rateLimit.inWindow === 0 },
  ]
}

/** Prints the table, then the dead letters' reasons and the notes; returns the rows. */
export function printReport(m, notes) {
  const rows = resultRows(m)
  const widths = [46, 36, 20]
  const line = (cells) => `  ${cells.map((c, i) => (i < widths.length ? String(c).padEnd(widths[i]) : c)).join("")}`
  console.log(`\n${line(["", "measured", "target", ""])}`)
  const verdict = (r) => (r.met === null ? "not judged" : `${r.met ? "met" : "NOT met"}${r.hard ? " (invariant)" : ""}`)
  for (const r of rows) console.log(line([r.label, r.measured, r.target, verdict(r)]))
  if (m.dead.length) {
    console.log("\n  dead letters by reason:")
    for (const [reason, n] of groupReasons(m.dead).slice(0, 8)) console.log(`    ${String(n).padStart(5)} × ${reason}`)
  }
  for (const d of m.duplicates) {
    console.log(`\n  duplicated: order ${d.orderId}`)
    for (const sale of d.sales) console.log(`    Tryton sale ${sale}`)
    for (const call of d.calls) console.log(`    hub call    ${call}`)
  }
  console.log("")
  for (const n of notes) console.log(`  ${n}`)
  console.log("")
  return rows
}
