/*
 * A protocol-faithful Odoo for tests, written from Odoo's documented external API (no Odoo server runs on these
 * machines): JSON-RPC at /jsonrpc (`common.login`, `object.execute_kw`, errors inside HTTP 200 with the Python
 * exception's name) and JSON-2 at /json/2/<model>/<method> (a bearer API key, parameters by name, errors as
 * HTTP 4xx/5xx with { name, message, arguments, context, debug }). Stateful, with Odoo's ORM rules for what the
 * adapter uses: domains, search_read/read/create/write/unlink/fields_get, many2one, one2many and many2many values
 * and commands, required and unknown fields, missing records, taxes rounded per line, sale.order's states and
 * buttons, invoicing from the sale (sale.advance.payment.inv), posting, payments (account.payment.register) and
 * residuals, credit notes, and the names Odoo 17 and 19 give the same fields. It refuses what Odoo refuses.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

type FieldType = "char" | "float" | "integer" | "boolean" | "many2one" | "one2many" | "many2many" | "selection" | "datetime" | "date"
type Field = { type: FieldType; model?: string; inverse?: string; required?: boolean; selection?: string[]; default?: () => unknown }
type Row = Record<string, unknown> & { id: number }
type Context = { active_model?: string; active_ids?: number[] }

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
const float = (extra: Partial<Field> = {}): Field => ({ type: "float", default: () => 0, ...extra })
const m2m = (model: string): Field => ({ type: "many2many", model, default: () => [] })
const selection = (values: string[], extra: Partial<Field> = {}): Field => ({ type: "selection", selection: values, default: () => values[0], ...extra })

/**
 * The models the adapter touches, as Odoo 17 (`version: 17`) or 19 names them: 19 renamed the sale line's
 * `tax_id` to `tax_ids` and the payment's `ref` to `memo` (18). Computed fields are read-only (`COMPUTED`).
 */
function schema(version: 17 | 19): Record<string, Record<string, Field>> {
  return {
    "res.country": { name: char({ required: true }), code: char() },
    "res.currency": { name: char({ required: true }), decimal_places: { type: "integer", default: () => 2 } },
    "product.pricelist": { name: char({ required: true }), currency_id: { type: "many2one", model: "res.currency", required: true } },
    "res.partner": {
      name: char({ required: true }), email: char(), phone: char(), street: char(), street2: char(), city: char(), zip: char(),
      type: selection(["contact", "invoice", "delivery", "other"]),
      parent_id: { type: "many2one", model: "res.partner" }, country_id: { type: "many2one", model: "res.country" },
    },
    "res.users": { login: char({ required: true }), name: char() },
    "account.tax": {
      name: char({ required: true }), amount: float(), amount_type: selection(["percent", "fixed", "group", "division"]),
      type_tax_use: selection(["sale", "purchase", "none"]), price_include: { type: "boolean", default: () => false },
    },
    "product.product": {
      name: char({ required: true }), default_code: char(), list_price: float(), qty_available: float(), virtual_available: float(),
      type: selection(["consu", "service", "combo"]), invoice_policy: selection(["order", "delivery"]),
    },
    "sale.order": {
      name: char(), partner_id: { type: "many2one", model: "res.partner", required: true },
      partner_invoice_id: { type: "many2one", model: "res.partner" }, partner_shipping_id: { type: "many2one", model: "res.partner" },
      client_order_ref: char(), origin: char(), date_order: { type: "datetime" },
      pricelist_id: { type: "many2one", model: "product.pricelist" }, currency_id: { type: "many2one", model: "res.currency" },
      state: selection(["draft", "sent", "sale", "done", "cancel"]),
      order_line: { type: "one2many", model: "sale.order.line", inverse: "order_id" },
      amount_untaxed: float(), amount_tax: float(), amount_total: float(),
      invoice_ids: m2m("account.move"), invoice_status: selection(["no", "to invoice", "invoiced", "upselling"]),
    },
    "sale.order.line": {
      order_id: { type: "many2one", model: "sale.order", required: true }, product_id: { type: "many2one", model: "product.product", required: true },
      name: char(), product_uom_qty: float({ default: () => 1 }), price_unit: float(), [version === 19 ? "tax_ids" : "tax_id"]: m2m("account.tax"),
      qty_delivered: float(), qty_invoiced: float(), price_subtotal: float(), price_tax: float(), price_total: float(),
    },
    "account.move": {
      name: char({ default: () => "/" }), move_type: selection(["entry", "out_invoice", "out_refund"]),
      state: selection(["draft", "posted", "cancel"]), partner_id: { type: "many2one", model: "res.partner" },
      currency_id: { type: "many2one", model: "res.currency" },
      ref: char(), invoice_origin: char(), invoice_date: { type: "date" }, reversed_entry_id: { type: "many2one", model: "account.move" },
      invoice_line_ids: { type: "one2many", model: "account.move.line", inverse: "move_id" },
      amount_untaxed: float(), amount_tax: float(), amount_total: float(), amount_residual: float(),
      payment_state: selection(["not_paid", "partial", "in_payment", "paid", "reversed"]),
    },
    "account.move.line": {
      move_id: { type: "many2one", model: "account.move", required: true }, product_id: { type: "many2one", model: "product.product" },
      name: char(), quantity: float({ default: () => 1 }), price_unit: float(), tax_ids: m2m("account.tax"), sale_line_ids: m2m("sale.order.line"),
      price_subtotal: float(), price_total: float(),
    },
    "account.payment": {
      amount: float(), payment_type: selection(["inbound", "outbound"]), partner_id: { type: "many2one", model: "res.partner" },
      [version === 19 ? "memo" : "ref"]: char(), date: { type: "date" },
      state: version === 19 ? selection(["draft", "in_process", "paid", "canceled", "rejected"]) : selection(["draft", "posted", "cancel"]),
      reconciled_invoice_ids: m2m("account.move"),
    },
    // Stock (the stock app): warehouses with their stock location, locations in a tree, quants per product and location.
    "stock.location": {
      name: char({ required: true }), location_id: { type: "many2one", model: "stock.location" },
      usage: selection(["internal", "view", "supplier", "customer", "inventory", "transit"]),
    },
    "stock.warehouse": { name: char({ required: true }), code: char({ required: true }), lot_stock_id: { type: "many2one", model: "stock.location", required: true } },
    "stock.quant": {
      product_id: { type: "many2one", model: "product.product", required: true }, location_id: { type: "many2one", model: "stock.location", required: true },
      quantity: float(), reserved_quantity: float(), write_date: { type: "datetime" },
    },
    // Wizards (transient models): they act on the records of the context's active_ids.
    "sale.advance.payment.inv": { advance_payment_method: selection(["delivered", "percentage", "fixed"]), sale_order_ids: m2m("sale.order") },
    "account.payment.register": {
      amount: float(), payment_date: { type: "date" }, communication: char(),
      payment_difference_handling: selection(["open", "reconcile"]),
    },
  }
}
const COMPUTED = new Set([
  "sale.order.currency_id", "sale.order.amount_untaxed", "sale.order.amount_tax", "sale.order.amount_total", "sale.order.invoice_ids", "sale.order.invoice_status",
  "sale.order.line.price_subtotal", "sale.order.line.price_tax", "sale.order.line.price_total", "sale.order.line.qty_invoiced",
  "account.move.amount_untaxed", "account.move.amount_tax", "account.move.amount_total", "account.move.amount_residual", "account.move.payment_state",
  "account.move.line.price_subtotal", "account.move.line.price_total",
])

const roundTo = (n: number, digits: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 10 ** digits) / 10 ** digits
const round2 = (n: number) => roundTo(n, 2)
const sum = (values: number[], digits = 2) => roundTo(values.reduce((a, b) => a + b, 0), digits)

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
  const tables = new Map<string, Map<number, Row>>(Object.keys(SCHEMA).map((m) => [m, new Map()]))
  const contexts = new Map<number, Context>()
  let nextId = 1
  const sequences = new Map<string, number>()
  const nextName = (prefix: string) => {
    const n = (sequences.get(prefix) ?? 0) + 1
    sequences.set(prefix, n)
    return prefix === "S" ? `S${String(n).padStart(5, "0")}` : `${prefix}/${new Date().getFullYear()}/${String(n).padStart(5, "0")}`
  }
  const uid = insert("res.users", { login, name: "Medusa bot" })
  for (const [code, name] of [["PT", "Portugal"], ["US", "United States"], ["DE", "Germany"]]) insert("res.country", { code, name })
  // The company's currency is USD, with the default "Public Pricelist" in it; EUR and JPY are active, without one.
  const [usd] = [["USD", 2], ["EUR", 2], ["JPY", 0], ["KWD", 3]].map(([name, decimal_places]) => insert("res.currency", { name, decimal_places }))
  insert("product.pricelist", { name: "Public Pricelist", currency_id: usd })

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
  function isComputed(model: string, name: string): boolean {
    return COMPUTED.has(`${model}.${name}`)
  }
  function all(model: string): Row[] {
    return [...table(model).values()]
  }

  function insert(model: string, values: Record<string, unknown>): number {
    const fields = SCHEMA[model]
    const row: Row = { id: nextId++ }
    for (const [name, f] of Object.entries(fields)) if (f.type !== "one2many" && !isComputed(model, name)) row[name] = f.default ? f.default() : false
    if (model === "sale.order") row.name = nextName("S")
    const children: Array<[Field, unknown]> = []
    for (const [name, value] of Object.entries(values)) {
      const f = field(model, name)
      if (isComputed(model, name)) continue
      if (f.type === "one2many") children.push([f, value])
      else row[name] = coerce(model, name, f, value, row[name])
    }
    for (const [name, f] of Object.entries(fields)) {
      const unset = row[name] === false || row[name] === null || row[name] === undefined || row[name] === ""
      if (f.required && unset) throw validationError(`The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${name}`)
    }
    if ("write_date" in fields) row.write_date = ormNow()
    table(model).set(row.id, row)
    for (const [f, value] of children) applyCommands(f, row.id, value)
    return row.id
  }
  /** The ORM's timestamp (UTC, "YYYY-MM-DD HH:MM:SS"), which Odoo sets on every create and write itself. */
  function ormNow(): string {
    return new Date().toISOString().slice(0, 19).replace("T", " ")
  }

  function coerce(model: string, name: string, f: Field, value: unknown, current: unknown): unknown {
    if (f.type === "many2many") return many2many(f, value, (current as number[] | undefined) ?? [])
    if (value === false || value === null) return false
    if (f.type === "many2one") {
      if (typeof value !== "number" || !table(f.model!).has(value)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${f.model}(${String(value)},), User: ${uid})`)
      return value
    }
    if (f.type === "float" || f.type === "integer") {
      if (typeof value !== "number") throw valueError(`Wrong value for ${model}.${name}: ${JSON.stringify(value)}`)
      // Unit prices keep Odoo's "Product Price" precision (2 digits by default).
      return f.type === "float" && (name === "price_unit" || name === "list_price") ? round2(value) : value
    }
    if (f.type === "selection" && !f.selection!.includes(String(value))) throw valueError(`Wrong value for ${model}.${name}: '${String(value)}'`)
    if (f.type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(String(value))) throw valueError(`time data '${String(value)}' does not match format '%Y-%m-%d'`)
    if (f.type === "char" || f.type === "selection" || f.type === "datetime" || f.type === "date") return String(value)
    return value
  }

  /** many2many commands: [6, 0, ids] replaces, [4, id] links, [3, id] unlinks, [5] clears. */
  function many2many(f: Field, value: unknown, current: number[]): number[] {
    if (!Array.isArray(value)) throw valueError(`Wrong value for many2many: ${JSON.stringify(value)}`)
    let ids = [...current]
    for (const command of value) {
      if (!Array.isArray(command)) throw valueError(`Unsupported command ${JSON.stringify(command)}`)
      const [op, id, list] = command as [number, number, number[]]
      if (op === 6) ids = [...(list ?? [])]
      else if (op === 4) ids.push(id)
      else if (op === 3) ids = ids.filter((i) => i !== id)
      else if (op === 5) ids = []
      else throw valueError(`Unsupported command ${JSON.stringify(command)}`)
    }
    for (const id of ids) if (!table(f.model!).has(id)) throw missingError(`Record does not exist or has been deleted.\n(Record: ${f.model}(${id},), User: ${uid})`)
    return [...new Set(ids)]
  }

  /** one2many commands: [0, 0, values] creates a line; other commands are not what the adapter sends. */
  function applyCommands(f: Field, parentId: number, value: unknown) {
    if (!Array.isArray(value)) throw valueError(`Wrong value for one2many: ${JSON.stringify(value)}`)
    for (const command of value) {
      if (!Array.isArray(command) || command[0] !== 0) throw valueError(`Unsupported command ${JSON.stringify(command)}`)
      insert(f.model!, { ...(command[2] as Record<string, unknown>), [f.inverse!]: parentId })
    }
  }

  /** A line's taxes, rounded per line in the currency (Odoo's default "Round per Line"). */
  function lineTax(taxIds: number[], subtotal: number, digits: number): number {
    const taxes = taxIds.map((id) => table("account.tax").get(id)!)
    return sum(taxes.map((t) => roundTo(t.amount_type === "fixed" ? (t.amount as number) : (subtotal * (t.amount as number)) / 100, digits)), digits)
  }
  const digitsOf = (currencyId: unknown) => Number(table("res.currency").get(Number(currencyId) || usd)!.decimal_places)
  const saleDigits = (line: Row) => digitsOf(computed("sale.order", table("sale.order").get(line.order_id as number)!, "currency_id"))
  const moveDigits = (line: Row) => digitsOf(table("account.move").get(line.move_id as number)!.currency_id)
  const saleLines = (orderId: number) => all("sale.order.line").filter((l) => l.order_id === orderId)
  const moveLines = (moveId: number) => all("account.move.line").filter((l) => l.move_id === moveId)
  const paymentsOf = (moveId: number) => all("account.payment").filter((p) => (p.reconciled_invoice_ids as number[]).includes(moveId) && !["cancel", "canceled", "draft"].includes(String(p.state)))

  function computed(model: string, row: Row, name: string): unknown {
    const get = (m: string, r: Row, n: string) => computed(m, r, n) as number
    switch (`${model}.${name}`) {
      case "sale.order.line.price_subtotal":
        return roundTo((row.product_uom_qty as number) * (row.price_unit as number), saleDigits(row))
      case "sale.order.line.price_tax":
        return lineTax(row[saleTaxField] as number[], get(model, row, "price_subtotal"), saleDigits(row))
      case "sale.order.line.price_total":
        return roundTo(get(model, row, "price_subtotal") + get(model, row, "price_tax"), saleDigits(row))
      case "sale.order.line.qty_invoiced":
        return all("account.move.line")
          .filter((l) => (l.sale_line_ids as number[]).includes(row.id))
          .filter((l) => { const move = table("account.move").get(l.move_id as number)!; return move.state !== "cancel" && move.move_type === "out_invoice" })
          .reduce((n, l) => n + (l.quantity as number), 0)
      case "sale.order.currency_id": return row.pricelist_id ? table("product.pricelist").get(row.pricelist_id as number)!.currency_id : usd
      case "sale.order.amount_untaxed": return sum(saleLines(row.id).map((l) => get("sale.order.line", l, "price_subtotal")), digitsOf(get(model, row, "currency_id")))
      case "sale.order.amount_tax": return sum(saleLines(row.id).map((l) => get("sale.order.line", l, "price_tax")), digitsOf(get(model, row, "currency_id")))
      case "sale.order.amount_total": return roundTo(get(model, row, "amount_untaxed") + get(model, row, "amount_tax"), digitsOf(get(model, row, "currency_id")))
      case "sale.order.invoice_ids": {
        const lineIds = new Set(saleLines(row.id).map((l) => l.id))
        return [...new Set(all("account.move.line").filter((l) => (l.sale_line_ids as number[]).some((id) => lineIds.has(id))).map((l) => l.move_id as number))]
      }
      case "sale.order.invoice_status": {
        if (row.state !== "sale" && row.state !== "done") return "no"
        const lines = saleLines(row.id)
        if (lines.some((l) => toInvoice(l) > 0)) return "to invoice"
        return lines.every((l) => get("sale.order.line", l, "qty_invoiced") >= (l.product_uom_qty as number)) ? "invoiced" : "no"
      }
      case "account.move.line.price_subtotal": return roundTo((row.quantity as number) * (row.price_unit as number), moveDigits(row))
      case "account.move.line.price_total": return roundTo(get(model, row, "price_subtotal") + lineTax(row.tax_ids as number[], get(model, row, "price_subtotal"), moveDigits(row)), moveDigits(row))
      case "account.move.amount_untaxed": return sum(moveLines(row.id).map((l) => get("account.move.line", l, "price_subtotal")), digitsOf(row.currency_id))
      case "account.move.amount_tax": return sum(moveLines(row.id).map((l) => lineTax(l.tax_ids as number[], get("account.move.line", l, "price_subtotal"), moveDigits(l))), digitsOf(row.currency_id))
      case "account.move.amount_total": return roundTo(get(model, row, "amount_untaxed") + get(model, row, "amount_tax"), digitsOf(row.currency_id))
      case "account.move.amount_residual":
        return row.state === "posted" ? roundTo(get(model, row, "amount_total") - sum(paymentsOf(row.id).map((p) => p.amount as number), digitsOf(row.currency_id)), digitsOf(row.currency_id)) : get(model, row, "amount_total")
      case "account.move.payment_state": {
        if (row.state !== "posted") return "not_paid"
        const residual = get(model, row, "amount_residual")
        return residual <= 0 ? "paid" : residual < get(model, row, "amount_total") ? "partial" : "not_paid"
      }
    }
    return undefined
  }
  /** What a sale line still has to invoice under its product's invoicing policy. */
  function toInvoice(line: Row): number {
    const product = table("product.product").get(line.product_id as number)!
    const basis = product.invoice_policy === "delivery" && product.type !== "service" ? (line.qty_delivered as number) : (line.product_uom_qty as number)
    return basis - (computed("sale.order.line", line, "qty_invoiced") as number)
  }

  function value(model: string, row: Row, name: string): unknown {
    return isComputed(model, name) ? computed(model, row, name) : name === "id" ? row.id : row[name]
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
    const [name, op, expected] = term as [string, string, unknown]
    const f = field(model, name)
    const actual = value(model, row, name)
    // PostgreSQL's (I)LIKE: % any run, _ any one character, a backslash makes the next character itself.
    const like = (pattern: string, exact: boolean) => {
      const body = pattern.replace(/\\(.)|([%_])|(.)/gs, (_m, escaped?: string, wildcard?: string, plain?: string) =>
        wildcard === "%" ? ".*" : wildcard === "_" ? "." : (escaped ?? plain ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      return new RegExp(`^${exact ? "" : ".*"}${body}${exact ? "" : ".*"}$`, "is")
    }
    const equal = (a: unknown, b: unknown) => (Array.isArray(a) ? a.includes(b) : a === b || (b === false && (a === false || a === null)))
    switch (op) {
      case "=": return equal(actual, expected)
      case "!=": return !equal(actual, expected)
      case "in": return Array.isArray(expected) && expected.some((v) => equal(actual, v))
      case "not in": return Array.isArray(expected) && !expected.some((v) => equal(actual, v))
      case "=ilike": return typeof actual === "string" && like(String(expected), true).test(actual)
      case "ilike": return typeof actual === "string" && like(String(expected), false).test(actual)
      case "<": case ">": case "<=": case ">=": {
        // Datetimes compare as Odoo's UTC text; numbers (and many2one ids) as numbers.
        const [a, b] = f.type === "datetime" || f.type === "date" ? [String(actual), String(expected)] : [Number(actual), Number(expected)]
        return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b
      }
      case "child_of": {
        // The record or any below it in the tree of the comodel (stock.location: its parent field is location_id).
        if (f.type !== "many2one") throw valueError(`Invalid operator 'child_of' in leaf for field ${f.type} ${name}`)
        const roots = new Set((Array.isArray(expected) ? expected : [expected]).map(Number))
        for (let id = actual as number | false, hops = 0; id && hops < 100; id = table(f.model!).get(id)?.location_id as number | false, hops++) {
          if (roots.has(id)) return true
        }
        return false
      }
      default: throw valueError(`Invalid operator '${op}' in leaf for field ${f.type} ${name}`)
    }
  }

  function search(model: string, params: Record<string, unknown>): Row[] {
    const domain = (params.domain as unknown[] | undefined) ?? []
    if (!Array.isArray(domain)) throw valueError("Invalid domain")
    let rows = all(model).filter((r) => matches(model, r, domain))
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
        if (f.type === "one2many") out[name] = all(f.model!).filter((c) => c[f.inverse!] === row.id).map((c) => c.id)
        else if (f.type === "many2one") {
          // Related many2ones (sale.order.currency_id, from its pricelist) read like stored ones: [id, display name].
          const id = value(model, row, name)
          out[name] = id ? [id, String(table(f.model!).get(id as number)?.name ?? "")] : false
        }
        else out[name] = value(model, row, name) ?? false
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

  function write(model: string, row: Row, vals: Record<string, unknown>) {
    if (model === "account.move" && row.state !== "draft") throw userError(`You cannot modify a posted entry (${String(row.name)}): reset it to draft first.`)
    if (model === "sale.order" && "order_line" in vals && !["draft", "sent", "sale"].includes(String(row.state))) throw userError("You cannot change a cancelled order.")
    for (const [name, v] of Object.entries(vals)) {
      const f = field(model, name)
      if (isComputed(model, name)) continue
      if (f.type === "one2many") applyCommands(f, row.id, v)
      else row[name] = coerce(model, name, f, v, row[name])
    }
    if ("write_date" in SCHEMA[model]) row.write_date = ormNow()
  }

  /** The records a wizard acts on: its context's active_ids, of the model it works on. */
  function active(wizard: Row, model: string): Row[] {
    const ctx = contexts.get(wizard.id) ?? {}
    if (ctx.active_model !== model || !ctx.active_ids?.length) {
      throw userError(`The wizard should only be called on ${model} records (context active_model and active_ids).`)
    }
    return records(model, ctx.active_ids)
  }

  /** One ORM or business call; `ids` for record methods, the rest by name. */
  function execute(model: string, method: string, ids: unknown, params: Record<string, unknown>, context: Context): unknown {
    table(model)
    switch (method) {
      case "search": return search(model, params).map((r) => r.id)
      case "search_count": return search(model, { ...params, limit: undefined, offset: 0 }).length
      case "search_read": return read(model, search(model, params), params.fields)
      case "read": return read(model, records(model, ids), params.fields)
      case "fields_get": {
        const wanted = Array.isArray(params.allfields) && params.allfields.length ? (params.allfields as string[]) : Object.keys(SCHEMA[model])
        return Object.fromEntries(wanted.filter((n) => SCHEMA[model][n]).map((n) => [n, { type: SCHEMA[model][n].type, string: n }]))
      }
      case "create": {
        const list = params.vals_list ?? params.values
        const values = Array.isArray(list) ? list : [list]
        return values.map((v) => {
          const id = insert(model, v as Record<string, unknown>)
          if (model.startsWith("sale.advance") || model.startsWith("account.payment.register")) openWizard(model, table(model).get(id)!, context)
          return id
        })
      }
      case "write": {
        for (const row of records(model, ids)) write(model, row, (params.vals ?? {}) as Record<string, unknown>)
        return true
      }
      case "unlink": {
        for (const row of records(model, ids)) {
          const referenced = all("sale.order").some((s) => s.partner_id === row.id || s.partner_shipping_id === row.id || s.partner_invoice_id === row.id)
          if (model === "res.partner" && referenced) throw userError("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.")
          table(model).delete(row.id)
        }
        return true
      }
    }
    const button = BUTTONS[`${model}.${method}`]
    if (button) return button(records(model, ids))
    throw new OdooException("AttributeError", `The method '${method}' does not exist on the model '${model}'`, 404)
  }

  /** A wizard's defaults and checks, as Odoo computes them when it opens on the context's records. */
  function openWizard(model: string, wizard: Row, context: Context) {
    contexts.set(wizard.id, context)
    if (model === "sale.advance.payment.inv") {
      if (!(wizard.sale_order_ids as number[]).length) wizard.sale_order_ids = active(wizard, "sale.order").map((o) => o.id)
      return
    }
    const moves = active(wizard, "account.move")
    if (moves.some((m) => m.state !== "posted")) throw userError("You can only register payment for posted journal entries.")
    const residual = sum(moves.map((m) => computed("account.move", m, "amount_residual") as number), digitsOf(moves[0].currency_id))
    if (residual <= 0) throw userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
    if (!wizard.amount) wizard.amount = residual
    if (!wizard.payment_date) wizard.payment_date = new Date().toISOString().slice(0, 10)
  }

  const BUTTONS: Record<string, (rows: Row[]) => unknown> = {
    "sale.order.action_confirm": (rows) => {
      for (const row of rows) {
        if (row.state !== "draft" && row.state !== "sent") throw userError("Some orders are not in a state requiring confirmation.")
        if (!saleLines(row.id).length) throw userError("A line on these orders is missing a product, you cannot confirm it.")
        row.state = "sale"
      }
      return true
    },
    "sale.order.action_cancel": (rows) => {
      for (const row of rows) {
        // Odoo cancels the sale's draft invoices with it; posted ones stay (they are the accountant's to credit).
        for (const id of computed("sale.order", row, "invoice_ids") as number[]) {
          const move = table("account.move").get(id)!
          if (move.state === "draft") move.state = "cancel"
        }
        row.state = "cancel"
      }
      return true
    },
    "sale.advance.payment.inv.create_invoices": (wizards) => {
      for (const wizard of wizards) {
        if (wizard.advance_payment_method !== "delivered") throw valueError("This test server invoices regular invoices (advance_payment_method 'delivered') only")
        for (const order of records("sale.order", wizard.sale_order_ids)) {
          const lines = saleLines(order.id).filter((l) => toInvoice(l) > 0)
          if (order.state !== "sale" || !lines.length) {
            throw userError("There is nothing to invoice!\n\nReasons:\n- You should deliver your products before invoicing them.\n- You should modify the invoicing policy of your product.")
          }
          insert("account.move", {
            move_type: "out_invoice", partner_id: order.partner_invoice_id || order.partner_id, invoice_origin: order.name, currency_id: computed("sale.order", order, "currency_id"),
            invoice_line_ids: lines.map((l) => [0, 0, { product_id: l.product_id, name: l.name, quantity: toInvoice(l), price_unit: l.price_unit, tax_ids: [[6, 0, l[saleTaxField]]], sale_line_ids: [[6, 0, [l.id]]] }]),
          })
        }
      }
      return { type: "ir.actions.act_window", res_model: "account.move" }
    },
    "account.move.action_post": (moves) => {
      for (const move of moves) {
        if (move.state !== "draft") throw userError(`The entry ${String(move.name)} (id ${move.id}) is already posted.`)
        if (!moveLines(move.id).length) throw userError("You need to add a line before posting.")
        if (!move.partner_id) throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.")
        if (move.name === "/") move.name = nextName(move.move_type === "out_refund" ? "RINV" : "INV")
        if (!move.invoice_date) move.invoice_date = new Date().toISOString().slice(0, 10)
        move.state = "posted"
      }
      return false
    },
    "account.move.button_draft": (moves) => {
      for (const move of moves) {
        if (move.state !== "posted" && move.state !== "cancel") throw userError("Only posted/cancelled journal entries can be reset to draft.")
        // Resetting an entry removes its reconciliation with payments.
        for (const p of all("account.payment")) p.reconciled_invoice_ids = (p.reconciled_invoice_ids as number[]).filter((id) => id !== move.id)
        move.state = "draft"
      }
      return false
    },
    "account.move.button_cancel": (moves) => {
      for (const move of moves) {
        if (move.state !== "draft") throw userError("Only draft journal entries can be cancelled.")
        move.state = "cancel"
      }
      return false
    },
    "account.payment.register.action_create_payments": (wizards) => {
      for (const wizard of wizards) {
        const moves = active(wizard, "account.move")
        if (moves.some((m) => m.state !== "posted")) throw userError("You can only register payment for posted journal entries.")
        insert("account.payment", {
          amount: wizard.amount, date: wizard.payment_date, [paymentRefField]: wizard.communication || moves.map((m) => m.name).join(" "),
          payment_type: moves[0].move_type === "out_refund" ? "outbound" : "inbound", partner_id: moves[0].partner_id,
          state: version === 19 ? "paid" : "posted", reconciled_invoice_ids: [[6, 0, moves.map((m) => m.id)]],
        })
      }
      return true
    },
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
    rows: (model) => all(model).map((r) => ({ ...r, ...Object.fromEntries(Object.keys(SCHEMA[model]).filter((n) => isComputed(model, n)).map((n) => [n, computed(model, r, n)])) })),
    seed: (model, values) => insert(model, values),
    update: (model, id, values) => write(model, records(model, [id])[0], values),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
