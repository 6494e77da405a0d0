/*
 * The ORM of the protocol-faithful Odoo (server.ts): tables of records, Odoo's value rules for each field type
 * (many2one, one2many and many2many values and commands, required and unknown fields, missing records), domains,
 * search/read/write, and the exceptions Odoo answers with. What each model computes and which buttons it has are
 * registered by the concern that owns them (sales.ts, invoices.ts, stock.ts).
 */

export type FieldType = "char" | "float" | "integer" | "boolean" | "many2one" | "one2many" | "many2many" | "selection" | "datetime" | "date"
export type Field = { type: FieldType; model?: string; inverse?: string; required?: boolean; selection?: string[]; default?: () => unknown }
export type Row = Record<string, unknown> & { id: number }
export type Context = { active_model?: string; active_id?: number; active_ids?: number[] }
export type Schema = Record<string, Record<string, Field>>

export class OdooException extends Error {
  constructor(readonly name: string, message: string, readonly status: number) {
    super(message)
  }
}
export const userError = (m: string) => new OdooException("odoo.exceptions.UserError", m, 422)
export const validationError = (m: string) => new OdooException("odoo.exceptions.ValidationError", m, 422)
export const valueError = (m: string) => new OdooException("ValueError", m, 422)
export const missingError = (m: string) => new OdooException("odoo.exceptions.MissingError", m, 404)
export const accessDenied = () => new OdooException("odoo.exceptions.AccessDenied", "Access Denied", 401)

export const char = (extra: Partial<Field> = {}): Field => ({ type: "char", ...extra })
export const float = (extra: Partial<Field> = {}): Field => ({ type: "float", default: () => 0, ...extra })
export const m2m = (model: string): Field => ({ type: "many2many", model, default: () => [] })
export const selection = (values: string[], extra: Partial<Field> = {}): Field => ({ type: "selection", selection: values, default: () => values[0], ...extra })

/**
 * Odoo's float_round (HALF-UP, what currency.round and the per-line tax rounding use): the value in units of the
 * rounding factor is nudged away from zero by one of its own ulps (so 2.675, whose double is 2.67499…, rounds up),
 * then a half goes away from zero whatever the sign: -2.505 is -2.51, as 2.505 is 2.51 (a credit line's tax).
 */
export function roundTo(n: number, digits: number): number {
  const normalized = n / 10 ** -digits
  if (normalized === 0 || !Number.isFinite(normalized)) return n + 0
  const magnitude = Math.abs(normalized)
  return (Math.sign(n) * Math.round(magnitude + 2 ** (Math.log2(magnitude) - 52))) / 10 ** digits + 0
}
export const round2 = (n: number) => roundTo(n, 2)
export const sum = (values: number[], digits = 2) => roundTo(values.reduce((a, b) => a + b, 0), digits)

/** The ORM's timestamp (UTC, "YYYY-MM-DD HH:MM:SS"), which Odoo sets on every create and write itself. */
export function ormNow(): string {
  return new Date().toISOString().slice(0, 19).replace("T", " ")
}

/** A computed field: its value from the record (read-only: values written to it are ignored, as Odoo does). */
export type Compute = (row: Row) => unknown
/** A button (a public record method): what it does to the records (in the call's context), and its answer. */
export type Button = (rows: Row[], context: Context) => unknown

export class Orm {
  private readonly tables: Map<string, Map<number, Row>>
  private readonly contexts = new Map<number, Context>()
  private readonly sequences = new Map<string, number>()
  private nextId = 1
  /** The bot user's id (named in MissingError messages, as Odoo names the user). */
  uid = 0
  /** The company currency's id: what a record without currency is in. */
  companyCurrency = 0

  /** `model.field` → its compute. */
  readonly computes: Record<string, Compute> = {}
  /** `model.method` → the button. */
  readonly buttons: Record<string, Button> = {}
  /** Per model: what Odoo checks before a write (it throws to refuse). */
  readonly beforeWrite: Record<string, (row: Row, vals: Record<string, unknown>) => void> = {}
  /** Per model: what Odoo checks before an unlink. */
  readonly beforeUnlink: Record<string, (row: Row) => void> = {}
  /** Per model, for wizards (transient models): their defaults and checks when they open on the context's records. */
  readonly wizards: Record<string, (wizard: Row) => void> = {}
  /** Per model: what Odoo sets on a new record before the values given (its number in a sequence). */
  readonly onNew: Record<string, (row: Row) => void> = {}

  constructor(readonly schema: Schema) {
    this.tables = new Map(Object.keys(schema).map((m) => [m, new Map()]))
  }

  /** Odoo's next number in a sequence: S00001 for sales, PREFIX/YYYY/00001 for the rest (`yearly`: false, PREFIX/00001). */
  nextName(prefix: string, yearly = true): string {
    const n = (this.sequences.get(prefix) ?? 0) + 1
    this.sequences.set(prefix, n)
    const number = String(n).padStart(5, "0")
    return prefix === "S" ? `S${number}` : yearly ? `${prefix}/${new Date().getFullYear()}/${number}` : `${prefix}/${number}`
  }

  table(model: string): Map<number, Row> {
    const t = this.tables.get(model)
    if (!t) throw new OdooException("KeyError", `'${model}'`, 404)
    return t
  }
  field(model: string, name: string): Field {
    const f = this.schema[model][name]
    if (!f && name !== "id") throw valueError(`Invalid field '${name}' on model '${model}'`)
    return f ?? { type: "integer" }
  }
  isComputed(model: string, name: string): boolean {
    return `${model}.${name}` in this.computes
  }
  all(model: string): Row[] {
    return [...this.table(model).values()]
  }
  /** One record that must exist (for the server's own reads). */
  get(model: string, id: number): Row {
    return this.table(model).get(id)!
  }
  computed(model: string, row: Row, name: string): unknown {
    return this.computes[`${model}.${name}`]?.(row)
  }
  value(model: string, row: Row, name: string): unknown {
    return this.isComputed(model, name) ? this.computed(model, row, name) : name === "id" ? row.id : row[name]
  }

  insert(model: string, values: Record<string, unknown>): number {
    const fields = this.schema[model]
    const row: Row = { id: this.nextId++ }
    for (const [name, f] of Object.entries(fields)) if (f.type !== "one2many" && !this.isComputed(model, name)) row[name] = f.default ? f.default() : false
    this.onNew[model]?.(row)
    const children: Array<[Field, unknown]> = []
    for (const [name, value] of Object.entries(values)) {
      const f = this.field(model, name)
      if (this.isComputed(model, name)) continue
      if (f.type === "one2many") children.push([f, value])
      else row[name] = this.coerce(model, name, f, value, row[name])
    }
    for (const [name, f] of Object.entries(fields)) {
      const unset = row[name] === false || row[name] === null || row[name] === undefined || row[name] === ""
      if (f.required && unset) throw validationError(`The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${name}`)
    }
    if ("write_date" in fields) row.write_date = ormNow()
    this.table(model).set(row.id, row)
    for (const [f, value] of children) this.applyCommands(f, row.id, value)
    return row.id
  }

  private missing(model: string | undefined, id: unknown): OdooException {
    return missingError(`Record does not exist or has been deleted.\n(Record: ${model}(${String(id)},), User: ${this.uid})`)
  }

  private coerce(model: string, name: string, f: Field, value: unknown, current: unknown): unknown {
    if (f.type === "many2many") return this.many2many(f, value, (current as number[] | undefined) ?? [])
    if (value === false || value === null) return false
    if (f.type === "many2one") {
      if (typeof value !== "number" || !this.table(f.model!).has(value)) throw this.missing(f.model, value)
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
  private many2many(f: Field, value: unknown, current: number[]): number[] {
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
    for (const id of ids) if (!this.table(f.model!).has(id)) throw this.missing(f.model, id)
    return [...new Set(ids)]
  }

  /** one2many commands: [0, 0, values] creates a line, [1, id, values] updates one, [2, id] deletes one. */
  private applyCommands(f: Field, parentId: number, value: unknown) {
    if (!Array.isArray(value)) throw valueError(`Wrong value for one2many: ${JSON.stringify(value)}`)
    for (const command of value) {
      if (!Array.isArray(command) || ![0, 1, 2].includes(command[0])) throw valueError(`Unsupported command ${JSON.stringify(command)}`)
      if (command[0] === 0) this.insert(f.model!, { ...(command[2] as Record<string, unknown>), [f.inverse!]: parentId })
      else if (command[0] === 1) this.write(f.model!, this.records(f.model!, [command[1]])[0], command[2] as Record<string, unknown>)
      else this.unlink(f.model!, this.records(f.model!, [command[1]])[0])
    }
  }

  matches(model: string, row: Row, domain: unknown[]): boolean {
    const stack: boolean[] = []
    for (let i = domain.length - 1; i >= 0; i--) {
      const term = domain[i]
      if (term === "|" || term === "&") {
        const [a, b] = [stack.pop()!, stack.pop()!]
        stack.push(term === "|" ? a || b : a && b)
      } else if (term === "!") stack.push(!stack.pop())
      else stack.push(this.leaf(model, row, term))
    }
    return stack.every(Boolean)
  }
  private leaf(model: string, row: Row, term: unknown): boolean {
    if (!Array.isArray(term) || term.length !== 3) throw valueError(`Invalid leaf ${JSON.stringify(term)}`)
    const [name, op, expected] = term as [string, string, unknown]
    const f = this.field(model, name)
    const actual = this.value(model, row, name)
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
      case "=like": return typeof actual === "string" && new RegExp(like(String(expected), true).source, "s").test(actual)
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
        for (let id = actual as number | false, hops = 0; id && hops < 100; id = this.table(f.model!).get(id)?.location_id as number | false, hops++) {
          if (roots.has(id)) return true
        }
        return false
      }
      default: throw valueError(`Invalid operator '${op}' in leaf for field ${f.type} ${name}`)
    }
  }

  search(model: string, params: Record<string, unknown>): Row[] {
    const domain = (params.domain as unknown[] | undefined) ?? []
    if (!Array.isArray(domain)) throw valueError("Invalid domain")
    let rows = this.all(model).filter((r) => this.matches(model, r, domain))
    const order = String(params.order ?? "id asc")
    if (/^id desc$/i.test(order)) rows = rows.reverse()
    else if (!/^id( asc)?$/i.test(order)) throw valueError(`Invalid "order" specified (${order}).`)
    const offset = Number(params.offset ?? 0)
    const limit = params.limit === undefined || params.limit === null || params.limit === false ? undefined : Number(params.limit)
    return rows.slice(offset, limit === undefined ? undefined : offset + limit)
  }

  read(model: string, rows: Row[], fields: unknown): Array<Record<string, unknown>> {
    const names = Array.isArray(fields) && fields.length ? (fields as string[]) : Object.keys(this.schema[model])
    return rows.map((row) => {
      const out: Record<string, unknown> = { id: row.id }
      for (const name of names) {
        const f = this.field(model, name)
        if (f.type === "one2many") out[name] = this.all(f.model!).filter((c) => c[f.inverse!] === row.id).map((c) => c.id)
        else if (f.type === "many2one") {
          // Related many2ones (sale.order.currency_id, from its pricelist) read like stored ones: [id, display name].
          const id = this.value(model, row, name)
          out[name] = id ? [id, String(this.table(f.model!).get(id as number)?.name ?? "")] : false
        }
        else out[name] = this.value(model, row, name) ?? false
      }
      return out
    })
  }

  records(model: string, ids: unknown): Row[] {
    if (!Array.isArray(ids)) throw new OdooException("TypeError", "missing ids", 422)
    return ids.map((id) => {
      const row = this.table(model).get(Number(id))
      if (!row) throw this.missing(model, id)
      return row
    })
  }

  write(model: string, row: Row, vals: Record<string, unknown>) {
    this.beforeWrite[model]?.(row, vals)
    for (const [name, v] of Object.entries(vals)) {
      const f = this.field(model, name)
      if (this.isComputed(model, name)) continue
      if (f.type === "one2many") this.applyCommands(f, row.id, v)
      else row[name] = this.coerce(model, name, f, v, row[name])
    }
    if ("write_date" in this.schema[model]) row.write_date = ormNow()
  }

  unlink(model: string, row: Row) {
    this.beforeUnlink[model]?.(row)
    this.table(model).delete(row.id)
  }

  /** A wizard opens on the context's records: its defaults and checks. */
  openWizard(model: string, wizard: Row, context: Context) {
    this.contexts.set(wizard.id, context)
    this.wizards[model](wizard)
  }

  /** The records a wizard acts on: its context's active_ids, of the model it works on. */
  active(wizard: Row, model: string): Row[] {
    const ctx = this.contexts.get(wizard.id) ?? {}
    if (ctx.active_model !== model || !ctx.active_ids?.length) {
      throw userError(`The wizard should only be called on ${model} records (context active_model and active_ids).`)
    }
    return this.records(model, ctx.active_ids)
  }

  /** The context a wizard was opened with. */
  contextOf(wizard: Row): Context {
    return this.contexts.get(wizard.id) ?? {}
  }

  /** Decimal places of a currency (the company's when none). */
  digitsOf(currencyId: unknown): number {
    return Number(this.get("res.currency", Number(currencyId) || this.companyCurrency).decimal_places)
  }

  /** A line's taxes, rounded per line in the currency (Odoo's default "Round per Line"). */
  lineTax(taxIds: number[], subtotal: number, digits: number): number {
    const taxes = taxIds.map((id) => this.get("account.tax", id))
    return sum(taxes.map((t) => roundTo(t.amount_type === "fixed" ? (t.amount as number) : (subtotal * (t.amount as number)) / 100, digits)), digits)
  }
}
