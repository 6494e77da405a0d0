import { z } from "@medusajs/framework/zod"

export const trytonOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).meta({ title: "Server URL", description: "Base URL of trytond's JSON-RPC endpoint, without the database, e.g. http://erp.internal:8000." }),
  database: z.string().min(1).meta({ title: "Database", description: "The Tryton database name." }),
  username: z.string().min(1).meta({ title: "User", description: "The Tryton user the store acts as; it needs the Sales and Stock groups." }),
  password: z.string().min(1).meta({ title: "Password", description: "That user's password. Never logged.", secret: true }),
  language: z.string().default("en").meta({ title: "Language", description: 'Language of the messages Tryton returns, e.g. "en".' }),
  warehouseCode: z
    .string()
    .optional()
    .meta({ title: "Warehouse code", description: "Code of the warehouse whose stock is read and checked when the connection's inventory locations name none; the first warehouse when empty." }),
  invoiceMethod: z
    .enum(["order", "shipment", "manual"])
    .optional()
    .meta({ title: "Invoice method", description: "When Tryton invoices a new sale: on the order, on shipment, or manually; Tryton's configured default when empty." }),
  webUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({ title: "Web client URL", description: "Base URL of the Tryton web client (sao), to link records from the admin; no links when empty." }),
  paymentMethod: z
    .string()
    .min(1)
    .optional()
    .meta({ title: "Payment method", description: "Name of the invoice payment method captured payments are registered with; the first one when empty." }),
  taxes: z
    .record(z.string().min(1), z.union([z.number().int().positive(), z.string().min(1)]))
    .default({})
    .meta({
      title: "Tax mapping",
      description: 'Medusa tax rate code → Tryton tax (its id, or its name), e.g. { "VAT20": "VAT 20%" }: the taxes Tryton puts on each line. A taxed line whose code is not here is refused with a message naming the code.',
    }),
})

export type TrytonOptions = z.output<typeof trytonOptionsSchema>

/** Tryton's Decimal on the wire. */
export type TrytonDecimal = { __class__: "Decimal"; decimal: string }
/** Tryton's date on the wire. */
export type TrytonDate = { __class__: "date"; year: number; month: number; day: number }
export type TrytonDateTime = { __class__: "datetime"; year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number }

/** A JSON-RPC answer: `result` on success, `error: [type, args]` on failure (still HTTP 200). */
export const trytonResponseSchema = z.union([
  z.object({ id: z.number().optional(), result: z.unknown() }).refine((r) => "result" in r),
  z.object({ id: z.number().optional(), error: z.tuple([z.string(), z.unknown()]).rest(z.unknown()) }),
])
export type TrytonResponse = z.infer<typeof trytonResponseSchema>

export const loginResultSchema = z.tuple([z.number().int(), z.string().min(1)])

export const saleSchema = z.object({
  id: z.number().int(),
  number: z.string().nullable(),
  reference: z.string().nullable(),
  state: z.enum(["draft", "quotation", "confirmed", "processing", "done", "cancelled"]),
  shipments: z.array(z.number().int()).optional(),
  moves: z.array(z.number().int()).optional(),
  total_amount: z.object({ decimal: z.string() }).nullable().optional(),
  invoices: z.array(z.number().int()).optional(),
  invoice_method: z.string().optional(),
})
export type TrytonSale = z.infer<typeof saleSchema>

export const invoiceSchema = z.object({
  id: z.number().int(),
  number: z.string().nullable(),
  reference: z.string().nullable().optional(),
  type: z.string(),
  state: z.string(),
  total_amount: z.object({ decimal: z.string() }),
  amount_to_pay: z.object({ decimal: z.string() }),
  payment_lines: z.array(z.number().int()),
})
export type TrytonInvoice = z.infer<typeof invoiceSchema>

export const productSchema = z.object({
  id: z.number().int(),
  code: z.string().nullable(),
  sale_uom: z.number().int().nullable().optional(),
  default_uom: z.number().int(),
  /** In the company's currency, excluding tax. */
  list_price: z.object({ decimal: z.string() }).nullable().optional(),
  /** In the warehouse given as context: on hand, less what is planned to leave, plus what is planned to arrive. */
  forecast_quantity: z.number().optional(),
})
export type TrytonProduct = z.infer<typeof productSchema>

export const stockSchema = z.object({
  id: z.number().int(),
  code: z.string().nullable(),
  quantity: z.number(),
  forecast_quantity: z.number(),
})

export const addressSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable().optional(),
  street: z.string().nullable(),
  city: z.string().nullable(),
  postal_code: z.string().nullable(),
  country: z.number().int().nullable(),
})
export type TrytonAddress = z.infer<typeof addressSchema>

/**
 * A sale as a customer return reads it (dotted fields, one call): who and where it shipped to, its warehouse and its
 * product lines with their moves (the delivery moves a return's moves name as origin).
 */
export const saleForReturnSchema = saleSchema.extend({
  company: z.number().int(),
  currency: z.number().int(),
  shipment_address: z.number().int().nullable(),
  warehouse: z.number().int().nullable(),
  "party.": z.object({ id: z.number().int(), customer_location: z.number().int().nullable() }),
  "shipment_party.": z.object({ id: z.number().int(), customer_location: z.number().int().nullable() }).nullable().optional(),
  "warehouse.": z.object({ input_location: z.number().int().nullable() }).nullable().optional(),
  "lines.": z.array(
    z.object({
      type: z.string(),
      quantity: z.number(),
      unit: z.number().int().nullable(),
      unit_price: z.object({ decimal: z.string() }).nullable(),
      "product.": z.object({ id: z.number().int(), code: z.string().nullable() }).nullable().optional(),
      "moves.": z.array(z.object({ id: z.number().int(), state: z.string() })).optional(),
    })
  ),
})
export type TrytonSaleForReturn = z.infer<typeof saleForReturnSchema>

/** A customer return shipment (`stock.shipment.out.return`) with its incoming moves, by SKU. */
export const returnShipmentSchema = z.object({
  id: z.number().int(),
  number: z.string().nullable(),
  reference: z.string().nullable(),
  state: z.enum(["draft", "received", "done", "cancelled"]),
  "incoming_moves.": z.array(z.object({ quantity: z.number(), "product.": z.object({ code: z.string().nullable() }) })).optional(),
})
export type TrytonReturnShipment = z.infer<typeof returnShipmentSchema>
