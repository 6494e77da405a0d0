import { z } from "@medusajs/framework/zod"

export const odooOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).meta({ title: "Server URL", description: "Base URL of the Odoo server, e.g. https://mycompany.odoo.com." }),
  database: z.string().min(1).meta({ title: "Database", description: "The Odoo database name (sent as X-Odoo-Database with JSON-2)." }),
  username: z
    .string()
    .min(1)
    .optional()
    .meta({ title: "User", description: "The login of the Odoo user the store acts as; needed with JSON-RPC only (JSON-2 knows the user from the key)." }),
  apiKey: z.string().min(1).meta({ title: "API key", description: "That user's API key (Preferences › Account Security › New API Key). Never logged.", secret: true }),
  protocol: z
    .enum(["jsonrpc", "json2"])
    .default("jsonrpc")
    .meta({ title: "Protocol", description: "jsonrpc: the external JSON-RPC API (/jsonrpc, execute_kw; Odoo 8 … 19). json2: Odoo 19's /json/2/<model>/<method>." }),
  webUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({ title: "Web client URL", description: "Base URL of the Odoo web client, to link records from the admin; the server URL when empty." }),
  taxes: z
    .record(z.string().min(1), z.union([z.number().int().positive(), z.string().min(1)]))
    .default({})
    .meta({
      title: "Tax mapping",
      description: 'Medusa tax rate code → Odoo sales tax (its id, or its name), e.g. { "VAT20": "20%" }: the taxes Odoo puts on each line. A taxed line whose code is not here is refused, naming the code.',
    }),
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
  invoice_ids: z.array(z.number().int()).optional(),
  invoice_status: z.enum(["no", "to invoice", "invoiced", "upselling"]).optional(),
})
export type OdooSaleOrder = z.infer<typeof saleOrderSchema>

export const productSchema = z.object({
  id: z.number().int(),
  default_code: z.union([z.string(), z.literal(false)]),
  list_price: z.number(),
  qty_available: z.number(),
  virtual_available: z.number(),
})

/** An `account.move` the adapter reads: a customer invoice or credit note. Odoo keeps a credit note's amounts positive. */
export const moveSchema = z.object({
  id: z.number().int(),
  name: z.union([z.string(), z.literal(false)]),
  move_type: z.string(),
  state: z.enum(["draft", "posted", "cancel"]),
  partner_id: many2one,
  currency_id: many2one,
  amount_total: z.number(),
  amount_residual: z.number(),
  payment_state: z.string(),
  invoice_line_ids: z.array(z.number().int()),
})
export type OdooMove = z.infer<typeof moveSchema>

export const moveLineSchema = z.object({
  id: z.number().int(),
  product_id: many2one,
  name: z.union([z.string(), z.literal(false)]),
  price_subtotal: z.number(),
  tax_ids: z.array(z.number().int()),
})

const linked = z.tuple([z.number().int(), z.string()])
/** A stock.warehouse as the stock reads ask for it: its short name and its stock location. */
export const warehouseSchema = z.object({ id: z.number().int(), code: z.string(), lot_stock_id: linked })
/** A stock.quant: a product's quantity in one location, and how much of it is reserved for deliveries. */
export const quantSchema = z.object({ id: z.number().int(), product_id: linked, quantity: z.number().optional(), reserved_quantity: z.number().optional() })

/** The fields the adapter reads of a sale order, an invoice or credit note, and a product (what the schemas above parse). */
export const SALE_FIELDS = ["id", "name", "client_order_ref", "state", "amount_total", "invoice_ids", "invoice_status"]
export const MOVE_FIELDS = ["id", "name", "move_type", "state", "partner_id", "currency_id", "amount_total", "amount_residual", "payment_state", "invoice_line_ids"]
export const PRODUCT_FIELDS = ["id", "default_code", "list_price", "qty_available", "virtual_available"]

/** A transfer (stock.picking) as the returns read it: a sale's delivery (outgoing) or a return of one (incoming). */
export const pickingSchema = z.object({
  id: z.number().int(),
  name: z.union([z.string(), z.literal(false)]),
  state: z.enum(["draft", "waiting", "confirmed", "assigned", "done", "cancel"]),
  picking_type_code: z.string(),
  /** "Source Document": Odoo writes "Return of WH/OUT/…" on a return; the adapter adds its reference in brackets. */
  origin: z.union([z.string(), z.literal(false)]),
})
export type OdooPicking = z.infer<typeof pickingSchema>

/** A stock move of a transfer: `quantity` is what is reserved, or moved once done (Odoo 17 folded quantity_done into it). */
export const stockMoveSchema = z.object({
  id: z.number().int(),
  product_id: linked,
  product_uom_qty: z.number(),
  quantity: z.number(),
  state: z.string(),
  picking_id: many2one,
  origin_returned_move_id: many2one,
})
export type OdooStockMove = z.infer<typeof stockMoveSchema>

/** A line of the return wizard (stock.return.picking.line): the move of the delivery it returns, and how many. */
export const returnLineSchema = z.object({ id: z.number().int(), move_id: many2one, quantity: z.number() })

export const PICKING_FIELDS = ["id", "name", "state", "picking_type_code", "origin"]
export const STOCK_MOVE_FIELDS = ["id", "product_id", "product_uom_qty", "quantity", "state", "picking_id", "origin_returned_move_id"]
