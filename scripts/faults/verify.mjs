// What `npm run faults` checks from outside the plugin: Tryton's own records, read over JSON-RPC straight from
// Tryton (never through the fault proxy), and the store's orders and sync records through its admin API.
import { ORDER_EMAIL_PATTERN } from "./load.mjs"

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const PAGE = 100

/** Every row of a paged admin list (`key` is the array in the answer), in pages of 100; bounded by `count`. */
async function listAll(admin, path, key) {
  const rows = []
  for (let offset = 0; offset < 100_000; offset += PAGE) {
    const sep = path.includes("?") ? "&" : "?"
    const page = await admin.request("GET", `${path}${sep}limit=${PAGE}&offset=${offset}`)
    rows.push(...page[key])
    if (page[key].length < PAGE || rows.length >= page.count) break
  }
  return rows
}

/** The store's orders (a fresh store: all of them are the suite's), with their creation time. */
export const listOrders = (admin) => listAll(admin, "/admin/orders?fields=id,email,created_at&order=created_at", "orders")

/** The hub's sync records, optionally of some statuses only. */
export const listSyncRecords = (admin, status) =>
  listAll(admin, `/admin/integrations/sync-records${status ? `?status=${status}` : ""}`, "sync_records")

/** How many sync records have these statuses (one request). */
const countSyncRecords = async (admin, status) => (await admin.request("GET", `/admin/integrations/sync-records?status=${status}&limit=1`)).count

/** Tryton's sales with a `medusa:` reference: reference → how many are not cancelled (and how many are). */
export async function salesByReference(tryton) {
  const rows = await tryton.model("sale.sale", "search_read", [["reference", "like", "medusa:%"]], 0, null, null, ["reference", "state"])
  const sales = new Map()
  for (const { reference, state } of rows) {
    const entry = sales.get(reference) ?? { live: 0, cancelled: 0 }
    entry[state === "cancelled" ? "cancelled" : "live"]++
    sales.set(reference, entry)
  }
  return sales
}

/** Tryton parties per e-mail of the suite's customers: e-mail → number of distinct (active) parties. */
export async function partiesByEmail(tryton) {
  const rows = await tryton.model("party.contact_mechanism", "search_read", [["type", "=", "email"], ["value", "like", ORDER_EMAIL_PATTERN]], 0, null, null, ["value", "party"])
  const parties = new Map()
  for (const { value, party } of rows) parties.set(value.toLowerCase(), (parties.get(value.toLowerCase()) ?? new Set()).add(party))
  return new Map([...parties].map(([email, set]) => [email, set.size]))
}

/** Orders with exactly one live Tryton sale under their reference. */
export const syncedOnce = (orderIds, sales) => orderIds.filter((id) => sales.get(`medusa:${id}`)?.live === 1).length

/**
 * Waits (at most `maxMs`) until every order has exactly one live sale in Tryton and a synced record, or until
 * nothing more can happen (no record pending, running or with a retry scheduled, and every order has one).
 * Returns when that was, whether it converged, and the last state seen.
 */
export async function waitForConvergence({ admin, openTryton, orderIds, maxMs, log, everyMs = 5_000 }) {
  const started = Date.now()
  const tryton = await openTryton()
  let lastLog = 0
  let state
  for (;;) {
    const sales = await salesByReference(tryton)
    state = {
      once: syncedOnce(orderIds, sales),
      synced: await countSyncRecords(admin, "synced"),
      busy: await countSyncRecords(admin, "pending,running"),
      failed: await countSyncRecords(admin, "failed"),
      dead: await countSyncRecords(admin, "dead"),
      records: (await admin.request("GET", "/admin/integrations/sync-records?limit=1")).count,
    }
    const converged = state.once === orderIds.length && state.synced >= orderIds.length
    if (converged) return { at: Date.now(), converged: true, state }
    if (await nothingLeftToDo(admin, state, orderIds.length)) return { at: Date.now(), converged: false, stuck: true, state }
    if (Date.now() - started > maxMs) return { at: Date.now(), converged: false, state }
    if (Date.now() - lastLog >= 30_000) {
      lastLog = Date.now()
      log(`converging (${Math.round((Date.now() - started) / 1000)} s after healing): ${state.once}/${orderIds.length} exactly once in Tryton, ${state.synced} records synced, ${state.busy} pending or running, ${state.failed} failed, ${state.dead} dead`)
    }
    await sleep(everyMs)
  }
}

/** True when no record will run again by itself: none pending or running, no retry scheduled, every order has one. */
async function nothingLeftToDo(admin, state, orders) {
  if (state.busy > 0 || state.records < orders) return false
  if (state.failed === 0) return true
  const failed = await listSyncRecords(admin, "failed")
  return failed.every((r) => !r.next_attempt_at)
}

/** Tryton's datetime as HH:MM:SS.mmm (UTC, as Tryton stores it). */
const trytonTime = (d) =>
  d?.__class__ === "datetime"
    ? `${[d.hour, d.minute, d.second].map((n) => String(n).padStart(2, "0")).join(":")}.${String(Math.floor((d.microsecond ?? 0) / 1000)).padStart(3, "0")}`
    : String(d)

/**
 * For a few duplicated orders, what tells how it happened: each of the order's sales in Tryton (number, state,
 * when it was created) and the hub's calls for the order that look up or create a sale (when, outcome, duration).
 */
export async function duplicateEvidence(tryton, admin, orderIds, limit = 3) {
  const evidence = []
  for (const id of orderIds.slice(0, limit)) {
    const sales = await tryton.model("sale.sale", "search_read", [["reference", "=", `medusa:${id}`]], 0, null, [["id", "ASC"]], ["number", "state", "create_date"])
    const { sync_records } = await admin.request("GET", `/admin/integrations/orders/${id}`)
    const calls = sync_records
      .flatMap((r) => r.logs)
      .filter((l) => /^model\.sale\.sale\.(create|search_read)$/.test(l.operation))
      .sort((a, b) => new Date(a.created_at) - new Date(b.created_at))
    evidence.push({
      orderId: id,
      sales: sales.map((s) => `${s.number ?? `#${s.id}`} ${s.state} created ${trytonTime(s.create_date)}`),
      calls: calls.map((l) => `${new Date(l.created_at).toISOString().slice(11, 23)} ${l.operation} ${l.status}${l.duration_ms != null ? ` ${l.duration_ms} ms` : ""}${l.error ? `: ${l.error}` : ""}`),
    })
  }
  return evidence
}
