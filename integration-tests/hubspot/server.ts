/*
 * HubSpot CRM v3 for tests: every request to /crm/v3/objects/* is first sent to Stoplight Prism serving HubSpot's own
 * description of that object (integration-tests/specs/hubspot/crm-v3-<object>.json, one Prism per document: Prism serves one
 * document per process, and the six documents repeat the same component names with small differences, so merging them
 * would mean choosing between them). A request Prism finds invalid is recorded as a violation (tests fail on any) and
 * answered 400 VALIDATION_ERROR as HubSpot would; a valid one is answered by a stateful double that keeps contacts,
 * companies, deals, line items (products, orders on request) and their associations. Prism's answers are only used
 * to validate.
 *
 * Load-time fix: the shared error response is declared as content type `*\/*` (Prism answers
 * 500 "Cannot find serializer") and many examples are `null`; both are rewritten before Prism reads the documents.
 *
 * Where the documents and live HubSpot differ, the documents win for requests (a request valid for the document is
 * valid live too): creates must carry `associations` (may be []), search must carry after/limit/properties/sorts,
 * batch read must carry properties/propertiesWithHistory, and property values must be strings.
 *
 * Not in the documents, answered by the double without validation and listed in `unvalidated`: the properties API
 * (GET /crm/v3/properties/{type}/{name}, POST /crm/v3/properties/{type}) and v4 associations
 * (PUT /crm/v4/objects/{from}/{id}/associations[/default]/{to}/{toId}).
 */
import { ChildProcess, spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, IncomingMessage, request, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import { CrmDouble, HubSpotAnswer, HubSpotObjectType, HubSpotRecord, objectTypeOf, StoredAssociation } from "./double"

export type { HubSpotObjectType, HubSpotRecord, StoredAssociation } from "./double"
export { ASSOCIATION_TYPES, objectTypeOf } from "./double"

const ROOT = path.resolve(__dirname, "..", "..")
const SPECS = path.resolve(ROOT, "integration-tests", "specs", "hubspot")
const PRISM = path.join(ROOT, "node_modules", ".bin", "prism")

/** Each object's document, and the name its paths use for the object. */
const DOCUMENTS: Record<HubSpotObjectType, { file: string; pathName: string }> = {
  contacts: { file: "crm-v3-contacts.json", pathName: "contacts" },
  companies: { file: "crm-v3-companies.json", pathName: "companies" },
  // The deals document names its paths by the object type id (/crm/v3/objects/0-3/...); HubSpot serves the same
  // operations under /crm/v3/objects/deals, which is what clients use. Requests are validated under the 0-3 name.
  deals: { file: "crm-v3-deals.json", pathName: "0-3" },
  line_items: { file: "crm-v3-lineItems.json", pathName: "line_items" },
  products: { file: "crm-v3-products.json", pathName: "products" },
  orders: { file: "crm-v3-orders.json", pathName: "orders" },
}

export type Violation = { method: string; url: string; messages: string[] }
export type Call = { method: string; path: string; search: string; body: unknown; status?: number }
export type RateLimit = { max: number; perMs: number }
export type Behaviour = {
  /** HubSpot's rolling limit for private apps (about 100 per 10 s); null turns it off (the default). */
  rateLimit?: RateLimit | null
  /** Adds a Retry-After header (seconds) to 429 answers; HubSpot documents none for the rolling limit. */
  retryAfterSeconds?: number | null
  /** Records created or changed less than this long ago are not yet found by search (HubSpot's index lag). */
  searchIndexDelayMs?: number
  /** HubSpot is down: every authenticated request answers 503 and changes nothing. */
  unavailable?: boolean
}

export type HubSpotTestServer = {
  url: string
  token: string
  /** Requests Prism found invalid against HubSpot's description (or with no description at all to judge them). */
  violations: Violation[]
  /** Requests to APIs the given documents do not describe (properties, v4 associations): answered, not validated. */
  unvalidated: Array<{ method: string; path: string }>
  /** Every request that passed validation and authentication, in order, with its parsed body and the status answered. */
  calls: Call[]
  contacts(): HubSpotRecord[]
  companies(): HubSpotRecord[]
  deals(): HubSpotRecord[]
  lineItems(): HubSpotRecord[]
  records(type: HubSpotObjectType): HubSpotRecord[]
  associations(): StoredAssociation[]
  /** Custom properties created through the properties API (or `properties` at start), per object type. */
  customProperties(type: HubSpotObjectType): Array<{ name: string; hasUniqueValue: boolean }>
  behave(b: Behaviour): void
  /** A change made in HubSpot itself (a person in its UI): not a call, so it is in no count of the hub's calls. */
  edit(type: HubSpotObjectType, id: string, properties: Record<string, string>): HubSpotRecord
  /** The next n authenticated requests answer 429 TEN_SECONDLY_ROLLING. */
  burst429(n: number): void
  close(): Promise<void>
}

export type HubSpotTestServerOptions = {
  token: string
  /** Bearer tokens taken besides `token`, e.g. the access tokens of the OAuth test server (`isValidAccessToken`). */
  acceptToken?: (token: string) => boolean
  port?: number
  /** Object documents to serve; default contacts, companies, deals, line_items (products and orders cost a Prism each). */
  objects?: HubSpotObjectType[]
  rateLimit?: RateLimit
  /** Custom properties that exist from the start, e.g. { contacts: [{ name: "medusa_customer_id", hasUniqueValue: true }] }. */
  properties?: Partial<Record<HubSpotObjectType, Array<{ name: string; type?: string; hasUniqueValue?: boolean }>>>
  /** Deal pipelines and their stage ids; default HubSpot's "default" pipeline. */
  pipelines?: Record<string, string[]>
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** The PEERS.md load-time transform: `*\/*` error content → application/json, `example: null` dropped. */
function prepared(file: string): Json {
  const strip = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(strip)
    if (v && typeof v === "object") {
      const out: { [k: string]: Json } = {}
      for (const [k, x] of Object.entries(v)) if (!(k === "example" && x === null)) out[k] = strip(x)
      return out
    }
    return v
  }
  const doc = strip(JSON.parse(readFileSync(path.join(SPECS, file), "utf8")) as Json) as { components: { responses: Record<string, { content: Record<string, Json> }> } }
  for (const response of Object.values(doc.components.responses)) {
    if (response.content["*/*"] !== undefined) {
      response.content["application/json"] = response.content["*/*"]
      delete response.content["*/*"]
    }
  }
  return doc as unknown as Json
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

async function startPrism(spec: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(PRISM, ["mock", "-h", "127.0.0.1", "-p", String(port), spec], { stdio: ["ignore", "pipe", "pipe"], detached: true })
  let output = ""
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()))
  for (const until = Date.now() + 60_000; ; ) {
    if (/Prism is listening/.test(output)) return { port, child }
    if (child.exitCode !== null || Date.now() > until) throw new Error(`Prism did not start on ${path.basename(spec)}:\n${output.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function stopPrism(child: ChildProcess) {
  try {
    process.kill(-child.pid!, "SIGTERM")
  } catch {
    // already gone
  }
}

/** Asks Prism whether the request is valid: its request violations, from the `sl-violations` header. */
function validate(prismPort: number, req: { method: string; url: string; headers: Record<string, string>; body: string }): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const out = request({ host: "127.0.0.1", port: prismPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${prismPort}` } }, (res) => {
      res.resume()
      res.on("end", () => {
        const header = res.headers["sl-violations"]
        const all = header ? (JSON.parse(String(header)) as Array<{ location: string[]; message: string; severity: string }>) : []
        const found = all.filter((v) => v.location[0] === "request" && v.severity === "Error" && !(res.statusCode === 401 && v.location.length === 1)).map((v) => `${v.location.join(".")}: ${v.message}`)
        if (res.statusCode === 401) found.push("security: no Authorization: Bearer header (the description's oauth2 scheme)")
        if (res.statusCode === 404 && !found.length) found.push(`no such operation in the description: ${req.method} ${req.url}`)
        if (res.statusCode === 405) found.push(`method not allowed by the description: ${req.method} ${req.url}`)
        resolve(found)
      })
    })
    out.on("error", reject)
    out.end(req.body || undefined)
  })
}

export async function startHubSpotTestServer(opts: HubSpotTestServerOptions): Promise<HubSpotTestServer> {
  const served = opts.objects ?? ["contacts", "companies", "deals", "line_items"]
  const dir = mkdtempSync(path.join(os.tmpdir(), "hubspot-spec-"))
  const started = await Promise.allSettled(
    served.map(async (type) => {
      const file = path.join(dir, DOCUMENTS[type].file)
      writeFileSync(file, JSON.stringify(prepared(DOCUMENTS[type].file)))
      return [type, await startPrism(file)] as const
    }),
  )
  const prisms = new Map<HubSpotObjectType, { port: number; child: ChildProcess }>()
  for (const s of started) if (s.status === "fulfilled") prisms.set(s.value[0], s.value[1])
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected")
  if (failed) {
    for (const p of prisms.values()) stopPrism(p.child)
    rmSync(dir, { recursive: true, force: true })
    throw failed.reason
  }

  const double = new CrmDouble({ properties: opts.properties, pipelines: opts.pipelines })
  const violations: Violation[] = []
  const unvalidated: Array<{ method: string; path: string }> = []
  const calls: Call[] = []
  let behaviour: Behaviour = { rateLimit: opts.rateLimit ?? null }
  let burst = 0
  const window: number[] = []

  const send = (res: ServerResponse, answer: HubSpotAnswer, headers: Record<string, string> = {}) => {
    res.writeHead(answer.status, { ...(answer.body === undefined ? {} : { "content-type": "application/json;charset=utf-8" }), ...headers })
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body))
  }
  const failure = (status: number, category: string, message: string, extra: Record<string, unknown> = {}): HubSpotAnswer => ({
    status,
    body: { status: "error", message, correlationId: randomUUID(), category, ...extra },
  })

  /** HubSpot's ten-secondly rolling limit: the answer to send instead, or the headers to add to a normal answer. */
  function rateLimit(isSearch: boolean): { refuse?: HubSpotAnswer; headers: Record<string, string> } {
    const limit = behaviour.rateLimit
    const now = Date.now()
    const headers = (remaining: number): Record<string, string> =>
      // HubSpot leaves these headers off search answers (search has its own per-second limit).
      limit && !isSearch ? { "X-HubSpot-RateLimit-Interval-Milliseconds": String(limit.perMs), "X-HubSpot-RateLimit-Max": String(limit.max), "X-HubSpot-RateLimit-Remaining": String(Math.max(0, remaining)) } : {}
    if (limit) while (window.length && window[0] <= now - limit.perMs) window.shift()
    const refuse = (): HubSpotAnswer =>
      failure(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.", { errorType: "RATE_LIMIT", policyName: "TEN_SECONDLY_ROLLING", requestId: randomUUID() })
    const retry: Record<string, string> = behaviour.retryAfterSeconds ? { "Retry-After": String(behaviour.retryAfterSeconds) } : {}
    if (burst > 0) {
      burst--
      return { refuse: refuse(), headers: { ...(limit ? headers(0) : { "X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "0" }), ...retry } }
    }
    if (!limit) return { headers: {} }
    if (window.length >= limit.max) return { refuse: refuse(), headers: { ...headers(0), ...retry } }
    window.push(now)
    return { headers: headers(limit.max - window.length) }
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString()
    const method = req.method ?? "GET"
    const rawUrl = req.url ?? "/"
    const url = new URL(rawUrl, "http://x")
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length").map(([k, v]) => [k, String(v)]))

    const objects = /^\/crm\/v3\/objects\/([^/]+)(\/.*)?$/.exec(url.pathname)
    if (objects) {
      const type = objectTypeOf(objects[1])
      const prism = type && prisms.get(type)
      const problems = prism
        ? await validate(prism.port, { method, url: `/crm/v3/objects/${DOCUMENTS[type].pathName}${objects[2] ?? ""}${url.search}`, headers, body: raw })
        : [`no HubSpot description served for object type "${objects[1]}" (served: ${served.join(", ")})`]
      if (problems.length) {
        violations.push({ method, url: rawUrl, messages: problems })
        if (problems.some((p) => p.startsWith("security:"))) return send(res, unauthorized())
        return send(res, failure(400, "VALIDATION_ERROR", `Invalid input: ${problems.join("; ")}`, { errors: problems.map((message) => ({ message })) }))
      }
    } else {
      unvalidated.push({ method, path: url.pathname })
    }
    const authorization = req.headers.authorization
    const bearer = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : null
    if (authorization !== `Bearer ${opts.token}` && !(bearer && opts.acceptToken?.(bearer))) return send(res, unauthorized())

    let body: unknown
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined
    } catch {
      return send(res, failure(400, "VALIDATION_ERROR", "Invalid input JSON on line 1: the body is not JSON"))
    }
    const call: Call = { method, path: url.pathname, search: url.search, body }
    calls.push(call)
    if (behaviour.unavailable) {
      call.status = 503
      return send(res, failure(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Please try again later."))
    }
    const limited = rateLimit(url.pathname.endsWith("/search"))
    const answer = limited.refuse ?? double.handle(method, url, body, { searchIndexDelayMs: behaviour.searchIndexDelayMs ?? 0 })
    call.status = answer.status
    send(res, answer, limited.headers)
  })
  const unauthorized = () =>
    failure(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")

  // A port already taken fails the suite at once, saying so, rather than leaving the listen pending.
  try {
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(opts.port ?? 0, "127.0.0.1", resolve))
  } catch (err) {
    for (const p of prisms.values()) stopPrism(p.child)
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    violations,
    unvalidated,
    calls,
    contacts: () => double.list("contacts"),
    companies: () => double.list("companies"),
    deals: () => double.list("deals"),
    lineItems: () => double.list("line_items"),
    records: (type) => double.list(type),
    associations: () => double.associations(),
    customProperties: (type) => double.customProperties(type),
    behave: (b) => void (behaviour = { ...behaviour, ...b }),
    edit: (type, id, properties) => double.edit(type, id, properties),
    burst429: (n) => void (burst = n),
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      for (const p of prisms.values()) stopPrism(p.child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
