/*
 * A protocol-faithful Odoo for tests, written from Odoo's documented external API (no Odoo server runs on these
 * machines): JSON-RPC at /jsonrpc (`common.login`, `object.execute_kw`, errors inside HTTP 200 with the Python
 * exception's name) and JSON-2 at /json/2/<model>/<method> (a bearer API key, parameters by name, errors as
 * HTTP 4xx/5xx with { name, message, arguments, context, debug }). Stateful, with Odoo's ORM rules for what the
 * adapter uses: domains, search_read/read/create/write/unlink, many2one and one2many values, required fields,
 * unknown fields, missing records, and sale.order's states and buttons. It refuses what Odoo refuses.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

type FieldType = "char" | "float" | "integer" | "boolean" | "many2one" | "one2many" | "selection" | "datetime"
type Field = { type: FieldType; model?: string; inverse?: string; required?: boolean; selection?: string[]; default?: () => unknown }
type Row = Record<string, unknown> & { id: number }

class OdooException extends Error {
  constructor(readonly name: string, message: string, readonly status: number) {
    super(message)
  }
}
const userError = (m: string) => new OdooException("odoo.exceptions.UserError", m, 422)
const validationError = (m: string) => new OdooException("odoo.exceptions.ValidationError", m, 422)
const valueError = (m: string) => new OdooException("ValueError", m, 422)
const missingError = (m: string) => new OdooException("odoo.exceptions.MissingError", m, 404)
const accessDenied = () => new OdooException("odoo.exceptions.AccessDenied", "Access Denied", 401)

const char = (extra: Partial<Field> = {}): Field => ({ type: "char", ...extra })
const SCHEMA: Record<string, Record<string, Field>> = {
  "res.country": { name: char({ required: true }), code: char() },
  "res.partner": {
    name: char({ required: true }), email: char(), phone: char(), street: char(), street2: char(), city: char(), zip: char(),
    type: { type: "selection", selection: ["contact", "invoice", "delivery", "other"], default: () => "contact" },
    parent_id: { type: "many2one", model: "res.partner" }, country_id: { type: "many2one", model: "res.country" },
  },
  "res.users": { login: char({ required: true }), name: char() },
  "product.product": {
    name: char({ required: true }), default_code: char(), list_price: { type: "float", default: () => 0 },
    qty_available: { type: "float", default: () => 0 }, virtual_available: { type: "float", default: () => 0 },
    type: { type: "selection", selection: ["consu", "service", "combo"], default: () => "consu" },
  },
  "sale.order": {
    name: char(), partner_id: { type: "many2one", model: "res.partner", required: true },
    partner_invoice_id: { type: "many2one", model: "res.partner" }, partner_shipping_id: { type: "many2one", model: "res.partner" },
    client_order_ref: char(), origin: char(), date_order: { type: "datetime" },
    state: { type: "selection", selection: ["draft", "sent", "sale", "done", "cancel"], default: () => "draft" },
    order_line: { type: "one2many", model: "sale.order.line", inverse: "order_id" },
    amount_total: { type: "float" },
  },
  "sale.order.line": {
    order_id: { type: "many2one", model: "sale.order", required: true }, product_id: { type: "many2one", model: "product.product", required: true },
    name: char(), product_uom_qty: { type: "float", default: () => 1 }, price_unit: { type: "float", default: () => 0 },
    price_subtotal: { type: "float" },
  },
}
/** Computed on read, never written. */
const COMPUTED = new Set(["sale.order.amount_total", "sale.order.line.price_subtotal"])

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100

export type OdooTestServer = {
  url: string
  database: string
  login: string
  apiKey: string
  /** The records of a model, as stored (for the tests' own reads, independent of the adapter). */
  rows(model: string): Row[]
  /** Seeds records directly. */
  seed(model: string, values: Record<string, unknown>): number
  close(): Promise<void>
}

export async function startOdooTestServer(opts: { database?: string; login?: string; apiKey?: string } = {}): Promise<OdooTestServer> {
  const database = opts.database ?? "shop"
  const login = opts.login ?? "medusa-bot"
  const apiKey = opts.apiKey ?? "odoo-test-key-0123456789abcdef"
  const tables = new Map<string, Map<number, Row>>(Object.keys(SCHEMA).map((m) => [m, new Map()]))
  let nextId = 1
  let saleSeq = 0
  const uid = insert("res.users", { login, name: "Medusa bot" })
  for (const [code, name] of [["PT", "Portugal"], ["US", "United States"], ["DE", "Germany"]]) insert("res.country", { code, name })

  function table(model: string): Map<number, Row> {
    const t = tables.get(model)
    if (!t) throw new OdooException("KeyError", `'${model}'`, 404)
    return t
  }
  function field(model: string, name: string): Field {
    const f = SCHEMA[model][name]
    if (!f && name !== "id") throw valueError(`Invalid field '${name}' on model '${model}'`)
    return f ?? { type: "integer" }
  }

  function insert(model: string, values: Record<string, unknown>): number {
    const schema = SCHEMA[model]
    const row: Row = { id: nextId++ }
    for (const [name, f] of Object.entries(schema)) if (f.type !== "one2many" && !COMPUTED.has(`${model}.${name}`)) row[name] = f.default ? f.default() : false
    if (model === "sale.order") row.name = `S${String(++saleSeq).padStart(5, "0")}`
    const children: Array<[Field, unknown]> = []
    for (const [name, value] of Object.entries(values)) {
      const f = field(model, name)
      if (COMPUTED.has(`${model}.${name}`)) continue
      if (f.type === "one2many") children.push([f, value])
      else row[name] = coerce(model, name, f, value)
    }
    for (const [name, f] of Object.entries(schema)) {
      if (f.required && (row[name] === false || row[name] === null || row[name] === undefined || row[name] === "")) {
        if (!(model === "sale.order.line" && name === "order_id")) {
          throw validationError(`The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${name}`)
        }
      }
    }
    table(model).set(row.id, row)
    for (const [f, value] of children) applyCommands(f, row.id, value)
    return row.id
  }

  function coerce(model: string, name: string, f: Field, value: unknown): unknown {
    if (value === false || value === null) return false
    if (f.type === "many2one") {
      if (typeof value !== "number" || !table(f.model!).has(value)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${f.model}(${String(value)},), User: ${uid})`)
      return value
    }
    if (f.type === "float" || f.type === "integer") {
      if (typeof value !== "number") throw valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(value)}`)
      return f.type === "float" && (name === "price_unit" || name === "list_price") ? round2(value) : value
    }
    if (f.type === "selection" && !f.selection!.includes(String(value))) throw valueError(`Wrong value for ${model}.${name}: '${String(value)}'`)
    if (f.type === "char" || f.type === "selection" || f.type === "datetime") return String(value)
    return value
  }

  /** one2many commands: [0, 0, values] creates a line; other commands are not what the adapter sends. */
  function applyCommands(f: Field, parentId: number, value: unknown) {
    if (!Array.isArray(value)) throw valueError(`Wrong value for one2many: ${JSON.stringify(value)}`)
    for (const command of value) {
      if (!Array.isArray(command) || command[0] !== 0) throw valueError(`Unsupported command ${JSON.stringify(command)}`)
      insert(f.model!, { ...(command[2] as Record<string, unknown>), [f.inverse!]: parentId })
    }
  }

  function computed(model: string, row: Row, name: string): unknown {
    if (model === "sale.order.line" && name === "price_subtotal") return round2((row.product_uom_qty as number) * (row.price_unit as number))
    if (model === "sale.order" && name === "amount_total") {
      return round2([...table("sale.order.line").values()].filter((l) => l.order_id === row.id).reduce((sum, l) => sum + (computed("sale.order.line", l, "price_subtotal") as number), 0))
    }
    return undefined
  }

  function matches(model: string, row: Row, domain: unknown[]): boolean {
    const stack: boolean[] = []
    for (let i = domain.length - 1; i >= 0; i--) {
      const term = domain[i]
      if (term === "|" || term === "&") {
        const [a, b] = [stack.pop()!, stack.pop()!]
        stack.push(term === "|" ? a || b : a && b)
      } else if (term === "!") stack.push(!stack.pop())
      else stack.push(leaf(model, row, term))
    }
    return stack.every(Boolean)
  }
  function leaf(model: string, row: Row, term: unknown): boolean {
    if (!Array.isArray(term) || term.length !== 3) throw valueError(`Invalid leaf ${JSON.stringify(term)}`)
    const [name, op, value] = term as [string, string, unknown]
    const f = field(model, name)
    const actual = COMPUTED.has(`${model}.${name}`) ? computed(model, row, name) : name === "id" ? row.id : row[name]
    const like = (pattern: string, exact: boolean) => new RegExp(`^${exact ? "" : ".*"}${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".")}${exact ? "" : ".*"}$`, "i")
    switch (op) {
      case "=": return actual === value || (value === false && (actual === false || actual === null))
      case "!=": return !(actual === value || (value === false && actual === false))
      case "in": return Array.isArray(value) && value.includes(actual)
      case "not in": return Array.isArray(value) && !value.includes(actual)
      case "=ilike": return typeof actual === "string" && like(String(value), true).test(actual)
      case "ilike": return typeof actual === "string" && like(String(value), false).test(actual)
      case "<": case ">": case "<=": case ">=": {
        const [a, b] = [Number(actual), Number(value)]
        return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b
      }
      default: throw valueError(`Invalid operator '${op}' in leaf for field ${f.type} ${name}`)
    }
  }

  function search(model: string, params: Record<string, unknown>): Row[] {
    const domain = (params.domain as unknown[] | undefined) ?? []
    if (!Array.isArray(domain)) throw valueError("Invalid domain")
    let rows = [...table(model).values()].filter((r) => matches(model, r, domain))
    const order = String(params.order ?? "id asc")
    if (/^id desc$/i.test(order)) rows = rows.reverse()
    else if (!/^id( asc)?$/i.test(order)) throw valueError(`Invalid "order" specified (${order}).`)
    const offset = Number(params.offset ?? 0)
    const limit = params.limit === undefined || params.limit === null || params.limit === false ? undefined : Number(params.limit)
    return rows.slice(offset, limit === undefined ? undefined : offset + limit)
  }

  function read(model: string, rows: Row[], fields: unknown): Array<Record<string, unknown>> {
    const names = Array.isArray(fields) && fields.length ? (fields as string[]) : Object.keys(SCHEMA[model])
    return rows.map((row) => {
      const out: Record<string, unknown> = { id: row.id }
      for (const name of names) {
        const f = field(model, name)
        if (COMPUTED.has(`${model}.${name}`)) out[name] = computed(model, row, name)
        else if (f.type === "one2many") out[name] = [...table(f.model!).values()].filter((c) => c[f.inverse!] === row.id).map((c) => c.id)
        else if (f.type === "many2one") out[name] = row[name] ? [row[name], String(table(f.model!).get(row[name] as number)?.name ?? "")] : false
        else out[name] = row[name] ?? false
      }
      return out
    })
  }

  function records(model: string, ids: unknown): Row[] {
    if (!Array.isArray(ids)) throw new OdooException("TypeError", "missing ids", 422)
    return ids.map((id) => {
      const row = table(model).get(Number(id))
      if (!row) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model}(${String(id)},), User: ${uid})`)
      return row
    })
  }

  /** One ORM or business call; `ids` for record methods, the rest by name. */
  function execute(model: string, method: string, ids: unknown, params: Record<string, unknown>): unknown {
    table(model)
    switch (method) {
      case "search": return search(model, params).map((r) => r.id)
      case "search_count": return search(model, { ...params, limit: undefined, offset: 0 }).length
      case "search_read": return read(model, search(model, params), params.fields)
      case "read": return read(model, records(model, ids), params.fields)
      case "create": {
        const list = params.vals_list ?? params.values
        const values = Array.isArray(list) ? list : [list]
        return values.map((v) => insert(model, v as Record<string, unknown>))
      }
      case "write": {
        for (const row of records(model, ids)) for (const [name, value] of Object.entries((params.vals ?? {}) as Record<string, unknown>)) row[name] = coerce(model, name, field(model, name), value)
        return true
      }
      case "unlink": {
        for (const row of records(model, ids)) {
          const referenced = [...table("sale.order").values()].some((s) => s.partner_id === row.id || s.partner_shipping_id === row.id || s.partner_invoice_id === row.id)
          if (model === "res.partner" && referenced) throw userError("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.")
          table(model).delete(row.id)
        }
        return true
      }
    }
    if (model === "sale.order" && method === "action_confirm") {
      for (const row of records(model, ids)) {
        if (row.state !== "draft" && row.state !== "sent") throw userError("Some orders are not in a state requiring confirmation.")
        if (![...table("sale.order.line").values()].some((l) => l.order_id === row.id)) throw userError("A line on these orders is missing a product, you cannot confirm it.")
        row.state = "sale"
      }
      return true
    }
    if (model === "sale.order" && method === "action_cancel") {
      for (const row of records(model, ids)) row.state = "cancel"
      return true
    }
    throw new OdooException("AttributeError", `The method '${method}' does not exist on the model '${model}'`, 404)
  }

  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = []
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString()))
    })
  const send = (res: ServerResponse, status: number, payload: unknown) => res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(payload))

  const server: Server = createServer(async (req, res) => {
    const raw = await body(req)
    let payload: Record<string, unknown>
    try {
      payload = JSON.parse(raw || "{}")
    } catch {
      return send(res, 400, { name: "werkzeug.exceptions.BadRequest", message: "Invalid JSON data" })
    }
    if (req.method === "POST" && req.url === "/jsonrpc") {
      const id = payload.id ?? null
      const params = (payload.params ?? {}) as { service?: string; method?: string; args?: unknown[] }
      try {
        if (params.service === "common" && params.method === "login") {
          const [db, user, key] = params.args ?? []
          return send(res, 200, { jsonrpc: "2.0", id, result: db === database && user === login && key === apiKey ? uid : false })
        }
        if (params.service === "object" && params.method === "execute_kw") {
          const [db, who, key, model, method, args = [], kwargs = {}] = params.args ?? []
          if (db !== database || who !== uid || key !== apiKey) throw accessDenied()
          const positional = args as unknown[]
          return send(res, 200, { jsonrpc: "2.0", id, result: execute(String(model), String(method), positional[0], kwargs as Record<string, unknown>) })
        }
        throw new OdooException("KeyError", `'${params.service}.${params.method}'`, 404)
      } catch (err) {
        const e = err instanceof OdooException ? err : new OdooException("builtins.Exception", String(err), 500)
        return send(res, 200, { jsonrpc: "2.0", id, error: { code: 200, message: "Odoo Server Error", data: { name: e.name, message: e.message, arguments: [e.message], context: {}, debug: `Traceback (most recent call last):\n${e.name}: ${e.message}` } } })
      }
    }
    const json2 = req.method === "POST" ? /^\/json\/2\/([\w.]+)\/(\w+)$/.exec(req.url ?? "") : null
    if (json2) {
      try {
        if (req.headers.authorization !== `bearer ${apiKey}`) throw new OdooException("werkzeug.exceptions.Unauthorized", "Invalid apikey", 401)
        if (req.headers["x-odoo-database"] && req.headers["x-odoo-database"] !== database) throw new OdooException("werkzeug.exceptions.NotFound", "database not found", 404)
        const { ids, context: _context, ...params } = payload
        return send(res, 200, execute(json2[1], json2[2], ids, params))
      } catch (err) {
        const e = err instanceof OdooException ? err : new OdooException("builtins.Exception", String(err), 500)
        return send(res, e.status, { name: e.name, message: e.message, arguments: [e.message], context: {}, debug: "" })
      }
    }
    send(res, 404, { name: "werkzeug.exceptions.NotFound", message: "Not Found" })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    login,
    apiKey,
    rows: (model) => [...table(model).values()].map((r) => ({ ...r, ...(model === "sale.order" ? { amount_total: computed(model, r, "amount_total") } : {}) })),
    seed: (model, values) => insert(model, values),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
