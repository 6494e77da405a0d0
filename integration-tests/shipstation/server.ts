/*
 * ShipStation API v2 for tests: every request is first sent to Stoplight Prism serving the official description
 * (integration-tests/specs/shipstation/shipstation-api-v2.yaml), and a request Prism finds invalid is recorded as a
 * violation (the tests fail on any) and answered 400 as ShipStation would; a valid one is answered by a stateful
 * double that keeps shipments, labels and tracking, so scenarios (buy, find by external id, void, track) hold
 * together. Prism's own answers are examples, not state: they are only used to validate.
 *
 * The description is loaded with two fixes, both of a schema the rating request shares with responses
 * (`calculate_rates_request_body` requires `shipment_id` and `shipment` yet allows only one of them;
 * `address_validating_shipment` requires the read-only `shipment_id` and the `carrier_id`/`service_code` a
 * shipment has once rated): as written, no request to POST /v2/rates can be valid.
 */
import { ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, IncomingMessage, request, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import { parse, stringify } from "yaml"

const ROOT = path.resolve(__dirname, "..", "..")
const SPEC = path.resolve(ROOT, "integration-tests", "specs", "shipstation", "shipstation-api-v2.yaml")
const PRISM = path.join(ROOT, "node_modules", ".bin", "prism")

export type Violation = { method: string; url: string; messages: string[] }
type Label = {
  label_id: string; shipment_id: string; tracking_number: string; carrier_code: string; service_code: string; voided: boolean; status: string; external_shipment_id: string | null
  is_return_label: boolean; rma_number: string | null
}
/** A request the double answered: its JSON body, when it had one, as sent. */
export type Call = { method: string; path: string; body?: unknown }
type Behaviour = { rateLimitNext?: { count: number; retryAfterSeconds: number }; hangNext?: number }

export type ShipStationTestServer = {
  url: string
  apiKey: string
  /** Requests Prism found invalid against the official description. */
  violations: Violation[]
  /** Every request the double answered (method, path and body), in order. */
  calls: Call[]
  labels(): Label[]
  /** The next calls answer 429 with Retry-After, or never answer (a timeout). */
  behave(b: Behaviour): void
  /** Sets what /track answers for a label (its two-letter status code). */
  setTracking(labelId: string, code: string, description: string): void
  close(): Promise<void>
}

function patchedSpec(dir: string): string {
  const spec = parse(readFileSync(SPEC, "utf8"))
  const schemas = spec.components.schemas
  const rates = schemas.calculate_rates_request_body
  rates.properties = {
    shipment_id: { $ref: "#/components/schemas/se_id" },
    shipment: { $ref: "#/components/schemas/address_validating_shipment" },
    rate_options: { $ref: "#/components/schemas/rate_request_body" },
  }
  rates.oneOf = [{ required: ["shipment_id"] }, { required: ["shipment"] }]
  delete rates.required
  delete rates.allOf
  schemas.address_validating_shipment.required = ["ship_to", "ship_from"]
  const file = path.join(dir, "shipstation-api-v2.yaml")
  writeFileSync(file, stringify(spec))
  return file
}

async function startPrism(spec: string): Promise<{ port: number; child: ChildProcess }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const child = spawn(PRISM, ["mock", "-h", "127.0.0.1", "-p", String(port), spec], { stdio: ["ignore", "pipe", "pipe"], detached: true })
  let output = ""
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()))
  for (const until = Date.now() + 30_000; ; ) {
    if (/Prism is listening/.test(output)) return { port, child }
    if (child.exitCode !== null || Date.now() > until) throw new Error(`Prism did not start on the ShipStation description:\n${output.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
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
        const found = all.filter((v) => v.location[0] === "request" && v.severity === "Error").map((v) => `${v.location.join(".")}: ${v.message}`)
        if (res.statusCode === 401) found.push("security: missing or rejected api-key header")
        if (res.statusCode === 404 && !found.length && !/\/shipments\/external_shipment_id\//.test(req.url)) found.push(`no such operation in the description: ${req.method} ${req.url}`)
        if (res.statusCode === 405) found.push(`method not allowed by the description: ${req.method} ${req.url}`)
        resolve(found)
      })
    })
    out.on("error", reject)
    out.end(req.body || undefined)
  })
}

export async function startShipStationTestServer(opts: { apiKey?: string; port?: number } = {}): Promise<ShipStationTestServer> {
  const apiKey = opts.apiKey ?? "TEST_shipstation_key_0123456789"
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipstation-spec-"))
  const prism = await startPrism(patchedSpec(dir))
  const violations: Violation[] = []
  const calls: Call[] = []
  const shipments = new Map<string, { shipment_id: string; external_shipment_id: string | null }>()
  const labels = new Map<string, Label>()
  const tracking = new Map<string, { code: string; description: string }>()
  let behaviour: Behaviour = {}
  let seq = 0
  const id = () => `se-${(++seq).toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const requestId = () => "aa3d8e8e-462b-4476-9618-72db7f7b7009"

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(body === undefined ? "" : JSON.stringify(body))
  const error = (res: ServerResponse, status: number, code: string, message: string, type = "validation") =>
    send(res, status, { request_id: requestId(), errors: [{ error_source: "ShipStation", error_type: type, error_code: code, message }] })

  function labelBody(l: Label) {
    const href = `https://api.shipstation.com/v2/downloads/10/${l.label_id}/label-${l.label_id}`
    return {
      label_id: l.label_id, status: l.status, shipment_id: l.shipment_id, external_shipment_id: l.external_shipment_id, tracking_number: l.tracking_number,
      carrier_code: l.carrier_code, service_code: l.service_code, voided: l.voided, tracking_status: "unknown", is_return_label: l.is_return_label, rma_number: l.rma_number,
      tracking_url: `https://track.example.com/${l.tracking_number}`,
      label_download: { href: `${href}.pdf`, pdf: `${href}.pdf`, png: `${href}.png`, zpl: `${href}.zpl` },
    }
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString()
    const method = req.method ?? "GET"
    const url = new URL(req.url ?? "/", "http://x")
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length").map(([k, v]) => [k, String(v)]))
    const problems = await validate(prism.port, { method, url: req.url ?? "/", headers, body: raw })
    if (problems.length) {
      violations.push({ method, url: req.url ?? "/", messages: problems })
      return error(res, 400, "invalid_field_value", problems.join("; "))
    }
    if (req.headers["api-key"] !== apiKey) return error(res, 401, "unauthorized", "The API key is invalid.", "security")
    const body = raw ? JSON.parse(raw) : {}
    calls.push({ method, path: url.pathname, ...(raw ? { body } : {}) })
    if (behaviour.hangNext) {
      behaviour.hangNext--
      return
    }
    if (behaviour.rateLimitNext?.count) {
      behaviour.rateLimitNext.count--
      res.setHeader("retry-after", String(behaviour.rateLimitNext.retryAfterSeconds))
      return error(res, 429, "rate_limit_exceeded", "You have exceeded the rate limit.", "system")
    }
    let m: RegExpExecArray | null
    if (method === "GET" && url.pathname === "/v2/carriers") return send(res, 200, { carriers: [{ carrier_id: "se-100001", carrier_code: "ups", services: [] }], request_id: requestId(), errors: [] })
    if (method === "POST" && url.pathname === "/v2/rates") {
      const carrierIds: string[] = body.rate_options.carrier_ids
      const grams = (body.shipment.packages as Array<{ weight: { value: number } }>).reduce((s, p) => s + p.weight.value, 0)
      const rates = carrierIds.flatMap((carrier, i) => [
        { rate_id: id(), carrier_id: carrier, carrier_code: i ? "usps" : "ups", service_code: i ? "usps_priority_mail" : "ups_ground", service_type: i ? "USPS Priority Mail" : "UPS® Ground",
          shipping_amount: { currency: "usd", amount: Math.round((8 + i * 3 + grams / 1000) * 100) / 100 }, insurance_amount: { currency: "usd", amount: 0 },
          confirmation_amount: { currency: "usd", amount: 0 }, other_amount: { currency: "usd", amount: i ? 0 : 1.25 }, delivery_days: i ? 2 : 5 },
      ])
      return send(res, 200, { rate_response: { rates, invalid_rates: [], rate_request_id: id(), shipment_id: id(), status: "completed", errors: [] } })
    }
    if (method === "POST" && url.pathname === "/v2/labels") {
      const shipment = { shipment_id: id(), external_shipment_id: body.shipment.external_shipment_id ?? null }
      if (shipment.external_shipment_id && [...shipments.values()].some((s) => s.external_shipment_id === shipment.external_shipment_id)) {
        return error(res, 400, "identifier_conflict", `A shipment with external_shipment_id ${shipment.external_shipment_id} already exists.`)
      }
      shipments.set(shipment.shipment_id, shipment)
      const label: Label = {
        label_id: id(), shipment_id: shipment.shipment_id, tracking_number: `1Z${String(Date.now()).slice(-9)}${seq}`, carrier_code: "ups",
        service_code: body.shipment.service_code, voided: false, status: "completed", external_shipment_id: shipment.external_shipment_id,
        is_return_label: body.is_return_label === true, rma_number: body.rma_number ?? null,
      }
      labels.set(label.label_id, label)
      return send(res, 200, labelBody(label))
    }
    if (method === "GET" && (m = /^\/v2\/shipments\/external_shipment_id\/(.+)$/.exec(url.pathname))) {
      const wanted = decodeURIComponent(m[1])
      const found = [...shipments.values()].find((s) => s.external_shipment_id === wanted)
      return found ? send(res, 200, { ...found, shipment_status: "label_purchased" }) : error(res, 404, "invalid_identifier", `No shipment with external_shipment_id ${wanted}.`)
    }
    if (method === "GET" && url.pathname === "/v2/labels") {
      const list = [...labels.values()].filter((l) => l.shipment_id === url.searchParams.get("shipment_id")).reverse().map(labelBody)
      return send(res, 200, { labels: list, total: list.length, page: 1, pages: 1, links: { first: { href: "" }, last: { href: "" }, prev: {}, next: {} } })
    }
    if (method === "PUT" && (m = /^\/v2\/labels\/([^/]+)\/void$/.exec(url.pathname))) {
      const label = labels.get(m[1])
      if (!label) return send(res, 404)
      if (label.voided) return send(res, 200, { approved: false, message: "This label has already been voided.", reason_code: "label_already_voided" })
      label.voided = true
      label.status = "voided"
      return send(res, 200, { approved: true, message: "Request for refund submitted.  This label has been voided." })
    }
    if (method === "GET" && (m = /^\/v2\/labels\/([^/]+)\/track$/.exec(url.pathname))) {
      const label = labels.get(m[1])
      if (!label) return send(res, 404)
      const t = tracking.get(label.label_id) ?? { code: "AC", description: "Accepted" }
      return send(res, 200, {
        tracking_number: label.tracking_number, status_code: t.code, status_description: t.description, carrier_status_code: t.code, estimated_delivery_date: null,
        actual_delivery_date: t.code === "DE" ? new Date().toISOString() : null,
        events: [{ occurred_at: new Date().toISOString(), description: t.description, status_code: t.code, city_locality: "Austin", state_province: "TX", postal_code: "78756", carrier_detail_code: null, status_description: t.description, carrier_status_code: t.code, carrier_status_description: t.description }],
      })
    }
    error(res, 404, "invalid_identifier", `${method} ${url.pathname} is not part of this test double`)
  })
  // A port already taken fails the suite at once, saying so, rather than leaving the listen pending.
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(opts.port ?? 0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    violations,
    calls,
    labels: () => [...labels.values()],
    behave: (b) => void (behaviour = { ...behaviour, ...b }),
    setTracking: (labelId, code, description) => void tracking.set(labelId, { code, description }),
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      try {
        process.kill(-prism.child.pid!, "SIGTERM")
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
