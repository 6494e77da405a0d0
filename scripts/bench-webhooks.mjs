// Benchmark P5, webhook ingest (part of `npm run bench`; `BENCH_ONLY=webhooks npm run bench` runs it alone).
// One demo store with the plugin and the sandbox ERP taking signed webhooks. Signed `sale.updated` events go to
// the hub's route (POST /hooks/integrations/erp: verify, store once, durable record, answer, then apply) and to a
// bare route in the same store doing the same signature check and nothing else (POST /hooks/bare), in alternating
// blocks with the same concurrency, so both see the same machine. Prints events/s and p50/p99 acknowledgement time
// for each and the ratios. Nothing here asserts. Env: BENCH_WEBHOOKS (default 2000 per route), BENCH_CONCURRENCY (8).
import { Webhook } from "standardwebhooks"
import { percentile } from "./bench-cpu.mjs"

const EVENTS = Number(process.env.BENCH_WEBHOOKS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const BLOCK = 100

/**
 * @param {{ url: string, secret: string, orderId: string, saleNumber: string | null, admin: { request: Function }, log: (m: string) => void }} store
 */
export async function benchWebhooks({ url, secret, orderId, saleNumber, admin, log }) {
  const signer = new Webhook(secret)
  let seq = 0
  /** One signed event, fresh id and timestamp; every one is newer than the last, so each is applied. */
  const send = async (path) => {
    const id = `evt_bench_${process.pid}_${++seq}`
    const now = new Date(Date.UTC(2026, 0, 1) + seq * 1000)
    const body = JSON.stringify({ type: "sale.updated", timestamp: now.toISOString(), data: { reference: `medusa:${orderId}`, number: saleNumber, state: seq % 2 ? "processing" : "done" } })
    const signedAt = new Date()
    const started = performance.now()
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
        "webhook-signature": signer.sign(id, signedAt, body),
      },
      body,
    })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
    return performance.now() - started
  }
  /** `count` requests to `path`, CONCURRENCY in flight; returns latencies and wall time. */
  const block = async (path, count) => {
    const latencies = []
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next++
          latencies.push(await send(path))
        }
      })
    )
    return { latencies, wallMs: performance.now() - started }
  }

  const routes = [
    { label: "hub  POST /hooks/integrations/erp", path: "/hooks/integrations/erp", latencies: [], wallMs: 0 },
    { label: "bare POST /hooks/bare (same check)", path: "/hooks/bare", latencies: [], wallMs: 0 },
  ]
  log(`webhooks: warming up (${BLOCK} events per route)`)
  for (const r of routes) await block(r.path, BLOCK)
  log(`webhooks: measuring ${EVENTS} signed events per route, ${CONCURRENCY} in flight, alternating blocks of ${BLOCK}`)
  for (let i = 0; i < EVENTS / BLOCK; i++) {
    for (const r of i % 2 === 0 ? routes : [...routes].reverse()) {
      const { latencies, wallMs } = await block(r.path, BLOCK)
      r.latencies.push(...latencies)
      r.wallMs += wallMs
    }
  }

  // Acknowledged is not applied: wait for the hub to apply them, and say how many it did.
  const expected = EVENTS + BLOCK
  let processed = 0
  for (let waited = 0; waited < 180; waited++) {
    // "ignored": an event overtaken by a newer one about the same sale (applied in the order they happened).
    processed = (await admin.request("GET", "/admin/integrations/webhook-events?connection_id=erp&status=processed,ignored&limit=1")).count
    if (processed >= expected) break
    await new Promise((r) => setTimeout(r, 1000))
  }

  const rate = (r) => r.latencies.length / (r.wallMs / 1000)
  const [hub, bare] = routes
  console.log(`\nWebhook ingest (P5): ${EVENTS} signed events per route, ${CONCURRENCY} in flight, alternating blocks, one run:\n`)
  for (const r of routes) {
    console.log(`  ${r.label.padEnd(36)} ${rate(r).toFixed(0).padStart(6)} events/s   p50 ${percentile(r.latencies, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(r.latencies, 99).toFixed(1).padStart(6)} ms`)
  }
  const ratio = rate(hub) / rate(bare)
  const p99 = percentile(hub.latencies, 99)
  console.log(`
hub/bare events/s: ${ratio.toFixed(3)} (goal ≥ 0.9) → ${ratio >= 0.9 ? "met" : "NOT met"};  hub p99 ${p99.toFixed(1)} ms (goal < 50 ms) → ${p99 < 50 ? "met" : "NOT met"}
events the hub applied (or skipped as older than one already applied) afterwards: ${processed} of ${expected}
`)
  return [
    { figure: "P5 webhook ingest, hub / bare route events/s", measured: ratio.toFixed(3), goal: "≥ 0.9", met: ratio >= 0.9 },
    { figure: "P5 webhook acknowledgement p99, hub", measured: `${p99.toFixed(1)} ms`, goal: "< 50 ms", met: p99 < 50 },
    { figure: "P5 events applied afterwards", measured: `${processed} of ${expected}`, goal: "all", met: processed >= expected },
  ]
}
