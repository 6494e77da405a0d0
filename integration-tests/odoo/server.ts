/*
 * A protocol-faithful Odoo for tests, written from Odoo's documented external API (no Odoo server runs on these
 * machines): JSON-RPC at /jsonrpc (`common.login`, `object.execute_kw`, errors inside HTTP 200 with the Python
 * exception's name) and JSON-2 at /json/2/<model>/<method> (a bearer API key, parameters by name, errors as
 * HTTP 4xx/5xx with { name, message, arguments, context, debug }). Stateful, with Odoo's ORM rules for what the
 * adapter uses (orm.ts: domains, search_read/read/create/write/unlink/fields_get, many2one, one2many and many2many
 * values and commands, required and unknown fields, missing records), and by concern: sale orders (sales.ts: taxes
 * rounded per line, states and buttons), invoices and payments (invoices.ts: invoicing from the sale, posting,
 * payments and residuals, credit notes), deliveries and returns (stock.ts: a sale's delivery, validating transfers,
 * the return wizard, stock on hand), and the names Odoo 17 and 19 give the same fields (schema.ts). It refuses what
 * Odoo refuses. This file routes the two protocols to the ORM.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { installInvoices } from "./invoices"
import { accessDenied, Context, OdooException, Orm, Row } from "./orm"
import { installSales } from "./sales"
import { schema } from "./schema"
import { installStock } from "./stock"

export type OdooTestServer = {
  url: string
  database: string
  login: string
  apiKey: string
  /** The records of a model, with their computed fields (for the tests' own reads, independent of the adapter). */
  rows(model: string): Row[]
  /** Seeds records directly. */
  seed(model: string, values: Record<string, unknown>): number
  /** Writes a record as the ORM does (its write_date moves on), e.g. a quant after a stock move was done. */
  update(model: string, id: number, values: Record<string, unknown>): void
  close(): Promise<void>
}

export async function startOdooTestServer(opts: { database?: string; login?: string; apiKey?: string; version?: 17 | 19 } = {}): Promise<OdooTestServer> {
  const database = opts.database ?? "shop"
  const login = opts.login ?? "medusa-bot"
  const apiKey = opts.apiKey ?? "odoo-test-key-0123456789abcdef"
  const version = opts.version ?? 17
  const SCHEMA = schema(version)
  const saleTaxField = version === 19 ? "tax_ids" : "tax_id"
  const paymentRefField = version === 19 ? "memo" : "ref"
  const orm = new Orm(SCHEMA)
  const stock = installStock(orm, version)
  const sales = installSales(orm, saleTaxField, { confirmed: stock.deliver, cancelled: stock.cancelDeliveries })
  installInvoices(orm, { version, saleTaxField, paymentRefField, sales })

  const uid = (orm.uid = orm.insert("res.users", { login, name: "Medusa bot" }))
  for (const [code, name] of [["PT", "Portugal"], ["US", "United States"], ["DE", "Germany"]]) orm.insert("res.country", { code, name })
  // The company's currency is USD, with the default "Public Pricelist" in it; EUR and JPY are active, without one.
  const [usd] = [["USD", 2], ["EUR", 2], ["JPY", 0], ["KWD", 3]].map(([name, decimal_places]) => orm.insert("res.currency", { name, decimal_places }))
  orm.companyCurrency = usd
  orm.insert("product.pricelist", { name: "Public Pricelist", currency_id: usd })

  /** One ORM or business call; `ids` for record methods, the rest by name. */
  function execute(model: string, method: string, ids: unknown, params: Record<string, unknown>, context: Context): unknown {
    orm.table(model)
    switch (method) {
      case "search": return orm.search(model, params).map((r) => r.id)
      case "search_count": return orm.search(model, { ...params, limit: undefined, offset: 0 }).length
      case "search_read": return orm.read(model, orm.search(model, params), params.fields)
      case "read": return orm.read(model, orm.records(model, ids), params.fields)
      case "fields_get": {
        const wanted = Array.isArray(params.allfields) && params.allfields.length ? (params.allfields as string[]) : Object.keys(SCHEMA[model])
        return Object.fromEntries(wanted.filter((n) => SCHEMA[model][n]).map((n) => [n, { type: SCHEMA[model][n].type, string: n }]))
      }
      case "create": {
        const list = params.vals_list ?? params.values
        const values = Array.isArray(list) ? list : [list]
        return values.map((v) => {
          const id = orm.insert(model, v as Record<string, unknown>)
          if (orm.wizards[model]) orm.openWizard(model, orm.get(model, id), context)
          return id
        })
      }
      case "write": {
        for (const row of orm.records(model, ids)) orm.write(model, row, (params.vals ?? {}) as Record<string, unknown>)
        return true
      }
      case "unlink": {
        for (const row of orm.records(model, ids)) orm.unlink(model, row)
        return true
      }
    }
    const button = orm.buttons[`${model}.${method}`]
    if (button) return button(orm.records(model, ids), context)
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
          const { context = {}, ...named } = kwargs as Record<string, unknown>
          if (db !== database || who !== uid || key !== apiKey) throw accessDenied()
          const positional = args as unknown[]
          return send(res, 200, { jsonrpc: "2.0", id, result: execute(String(model), String(method), positional[0], named, context as Context) })
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
        const { ids, context = {}, ...params } = payload
        return send(res, 200, execute(json2[1], json2[2], ids, params, context as Context))
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
    rows: (model) => orm.all(model).map((r) => ({ ...r, ...Object.fromEntries(Object.keys(SCHEMA[model]).filter((n) => orm.isComputed(model, n)).map((n) => [n, orm.computed(model, r, n)])) })),
    seed: (model, values) => orm.insert(model, values),
    update: (model, id, values) => orm.write(model, orm.records(model, [id])[0], values),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
