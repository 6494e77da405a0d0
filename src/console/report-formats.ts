import { csvLine } from "./csv"
import type { HealthReport } from "./report"

const pct = (share: number | null, places = 2) => (share === null ? "" : (share * 100).toFixed(places))

/** One CSV row per connection: the period's figures, the trend, the top cause and the verdict. */
export function reportCsv(r: HealthReport): string {
  const head = [
    "connection", "kind", "provider", "from", "to", "availability_pct", "calls", "errors", "error_rate_pct", "vendor_error_rate_pct",
    "p50_ms", "p95_ms", "throttled_429", "rate_limit_headroom_pct", "dead_letters", "incidents", "longest_incident_min",
    "availability_trend", "error_rate_trend", "p95_trend", "top_cause", "top_cause_failures", "verdict",
  ]
  const rows = r.connections.map((c) => [
    c.id, c.kind, c.provider, r.from, r.to, pct(c.availability, 3), c.calls, c.errors, pct(c.error_rate), pct(c.vendor_error_rate),
    c.latency_ms.p50, c.latency_ms.p95, c.throttled, pct(c.rate_limit_headroom, 1), c.dead_letters, c.incidents.length,
    c.incidents.length ? Math.round(Math.max(...c.incidents.map((i) => i.duration_ms)) / 60_000) : "",
    c.trend.availability, c.trend.error_rate, c.trend.p95_ms, c.top_causes[0]?.cause ?? "", c.top_causes[0]?.failures ?? "", c.verdict.words,
  ])
  return [head, ...rows].map(csvLine).join("")
}

const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!)
const when = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC"

/** A self-contained printable page (print it, or save it as PDF from the browser's print dialog). */
export function reportHtml(r: HealthReport, title: string): string {
  const sections = r.connections.map((c) => `
    <section>
      <h2>${esc(c.id)} <small>${esc(c.kind)} · ${esc(c.provider)}</small></h2>
      <p class="verdict ${esc(c.verdict.grade)}">${esc(c.verdict.words)}</p>
      <table>
        <tr><th>Availability</th><td>${pct(c.availability, 3) || "—"} %</td><td>${esc(c.trend.availability ?? "")}</td></tr>
        <tr><th>Calls / errors</th><td>${c.calls} / ${c.errors} (${pct(c.error_rate) || "—"} %)</td><td>${esc(c.trend.error_rate ?? "")}</td></tr>
        <tr><th>Vendor errors</th><td>${pct(c.vendor_error_rate) || "—"} %</td><td></td></tr>
        <tr><th>Latency p50 / p95</th><td>${c.latency_ms.p50 ?? "—"} / ${c.latency_ms.p95 ?? "—"} ms</td><td>${esc(c.trend.p95_ms ?? "")}</td></tr>
        <tr><th>429s · rate-limit headroom</th><td>${c.throttled} · ${pct(c.rate_limit_headroom, 1) || "—"} %</td><td></td></tr>
        <tr><th>Dead letters</th><td>${c.dead_letters}</td><td></td></tr>
      </table>
      ${c.top_causes.length ? `<h3>Top causes of failure</h3><ol>${c.top_causes.map((t) => `<li>${esc(t.cause || "(no error text)")} <small>— ${t.failures} failure${t.failures === 1 ? "" : "s"} on ${t.records} record${t.records === 1 ? "" : "s"}${t.code ? `, ${esc(t.code)}` : ""}</small></li>`).join("")}</ol>` : ""}
      ${c.incidents.length ? `<h3>Incidents</h3><table><tr><th>Kind</th><th>Start</th><th>End</th><th>Minutes</th></tr>${c.incidents.map((i) => `<tr><td>${i.kind === "circuit_open" ? "circuit open" : "outage"}</td><td>${when(i.start)}</td><td>${when(i.end)}</td><td>${Math.round(i.duration_ms / 60_000)}</td></tr>`).join("")}</table>` : ""}
    </section>`).join("")
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
  body { font: 14px/1.45 -apple-system, "Segoe UI", Inter, sans-serif; color: #18181b; margin: 32px auto; max-width: 880px; padding: 0 16px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; } h2 small, li small { color: #71717a; font-weight: normal; }
  h3 { font-size: 14px; margin: 14px 0 4px; } table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e4e7; }
  th { color: #52525b; font-weight: 500; width: 34%; } .verdict { padding: 8px 12px; border-radius: 6px; background: #f4f4f5; }
  .verdict.flaky { background: #fef3c7; } .verdict.unreliable { background: #fee2e2; } .verdict.healthy { background: #dcfce7; }
  section { break-inside: avoid; } @media print { body { margin: 0; } }
</style></head><body>
<h1>${esc(title)}</h1>
<p>${when(r.from)} to ${when(r.to)}, compared with ${when(r.previous.from)} to ${when(r.previous.to)}. Generated ${when(r.generated_at)}.
Availability: the share of 5-minute spans in which calls succeeded or none were needed.</p>
${sections}
</body></html>`
}
