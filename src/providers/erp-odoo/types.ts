import { z } from "@medusajs/framework/zod"

export const odooOptionsSchema = z.object({
  /** Base URL of the Odoo server, e.g. "https://mycompany.odoo.com". */
  url: z.url({ protocol: /^https?$/ }),
  /** Odoo database name (sent as X-Odoo-Database with JSON-2). */
  database: z.string().min(1),
  /** The Odoo user's login the store acts as (JSON-RPC only; JSON-2 knows the user from the key). */
  username: z.string().min(1).optional(),
  /** That user's API key (Preferences › Account Security › New API Key). Never logged. */
  apiKey: z.string().min(1),
  /** "jsonrpc": the external JSON-RPC API (`/jsonrpc`, `execute_kw`; Odoo 8 … 19). "json2": Odoo 19's `/json/2/<model>/<method>`. */
  protocol: z.enum(["jsonrpc", "json2"]).default("jsonrpc"),
  /** Base URL of the Odoo web client, to link records from the admin; `url` when absent. */
  webUrl: z.url({ protocol: /^https?$/ }).optional(),
}).refine((o) => o.protocol === "json2" || !!o.username, { message: "is required with protocol \"jsonrpc\"", path: ["username"] })

export type OdooOptions = z.output<typeof odooOptionsSchema>

/** A JSON-RPC answer: `result`, or `error` whose `data.name` is the Python exception (still HTTP 200). */
export const jsonRpcResponseSchema = z.union([
  z.object({ result: z.unknown() }).refine((r) => "result" in r),
  z.object({ error: z.object({ code: z.number().optional(), message: z.string().optional(), data: z.object({ name: z.string(), message: z.string().optional() }).partial().optional() }) }),
])

/** A JSON-2 error body (HTTP 4xx/5xx). */
export const json2ErrorSchema = z.object({ name: z.string(), message: z.string().optional() }).partial()

/** A many2one as Odoo reads it: [id, display name], or false. */
export const many2one = z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)])

export const saleOrderSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  client_order_ref: z.union([z.string(), z.literal(false)]),
  state: z.enum(["draft", "sent", "sale", "done", "cancel"]),
  amount_total: z.number(),
})
export type OdooSaleOrder = z.infer<typeof saleOrderSchema>

export const productSchema = z.object({
  id: z.number().int(),
  default_code: z.union([z.string(), z.literal(false)]),
  list_price: z.number(),
  qty_available: z.number(),
  virtual_available: z.number(),
})
