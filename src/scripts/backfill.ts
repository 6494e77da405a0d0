import type { ExecArgs } from "@medusajs/framework/types"
import { parseArgs } from "node:util"
import { BACKFILL_OUTCOMES, BackfillSelection, resumeBackfill, startBackfill } from "../sync/backfill"

const USAGE = `Usage: npx medusa exec ./node_modules/medusa-integration-hub/.medusa/server/src/scripts/backfill.js -- \\
  --connection <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--orders 1001,1002] [--ids order_…,order_…] [--shadow-skipped] [--send]
  (a dry run unless --send; --resume <backfill id> goes on with a stopped one)`

/** What one outcome is called on the terminal, for a dry run and for a real run. */
const WORDS: Record<(typeof BACKFILL_OUTCOMES)[number], [string, string]> = {
  already: ["already sent", "already sent"],
  existing: ["in the ERP (our reference)", "linked (our reference)"],
  linked: ["written by the legacy integration", "linked (legacy)"],
  created: ["would be created", "created"],
  invalid: ["refused", "refused"],
  failed: ["failed", "failed"],
}

/**
 * Backfill from the command line: past orders to one ERP connection, a dry run unless --send, with a progress bar.
 * Stopping it (Ctrl-C, or Stop in the admin) leaves it resumable with --resume.
 */
export default async function backfill({ container, args }: ExecArgs) {
  const { values } = parseArgs({
    args: args.filter((a) => a !== "--"),
    options: {
      connection: { type: "string" }, from: { type: "string" }, to: { type: "string" }, orders: { type: "string" }, ids: { type: "string" },
      "shadow-skipped": { type: "boolean" }, send: { type: "boolean" }, resume: { type: "string" },
    },
    strict: true,
  })
  const selection: BackfillSelection = {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.orders ? { order_numbers: values.orders.split(",").map((n) => Number(n.trim())) } : {}),
    ...(values.ids ? { order_ids: values.ids.split(",").map((i) => i.trim()) } : {}),
    ...(values["shadow-skipped"] ? { shadow_skipped: true } : {}),
  }
  if (!values.resume && (!values.connection || !Object.keys(selection).length)) {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  const tty = process.stdout.isTTY
  let lastTenth = -1
  const progress = (run: { processed: number; total: number; dry_run: boolean; counts: Record<string, unknown> }) => {
    const share = run.total ? run.processed / run.total : 1
    const counts = BACKFILL_OUTCOMES.filter((o) => Number(run.counts[o])).map((o) => `${WORDS[o][run.dry_run ? 0 : 1]} ${run.counts[o]}`).join(", ")
    const bar = `[${"#".repeat(Math.round(share * 30)).padEnd(30, "-")}] ${run.processed}/${run.total}${counts ? `  ${counts}` : ""}`
    if (tty) process.stdout.write(`\r${bar}\x1b[K`)
    else if (Math.floor(share * 10) !== lastTenth) {
      lastTenth = Math.floor(share * 10)
      console.log(bar)
    }
  }
  const run = values.resume
    ? await resumeBackfill(container, values.resume, { wait: true, onProgress: progress })
    : await startBackfill(container, { connection_id: values.connection!, selection, dry_run: !values.send }, { wait: true, onProgress: progress })
  progress(run)
  if (tty) process.stdout.write("\n")
  const items = (run.items as unknown as Array<{ display_id: number | null; order_id: string; outcome: string; message: string }>) ?? []
  for (const item of items.filter((i) => i.outcome === "invalid" || i.outcome === "failed")) console.log(`  #${item.display_id ?? item.order_id}: ${item.message}`)
  console.log(`backfill ${run.id} (${run.dry_run ? "dry run" : "sent"}) ${run.status}${run.error ? `: ${run.error}` : ""}${run.status === "stopped" || run.status === "failed" ? ` — resume with --resume ${run.id}` : ""}`)
  if (run.status === "failed") process.exitCode = 1
}
