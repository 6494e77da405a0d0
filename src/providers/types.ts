import type { Logger } from "@medusajs/framework/types"
import type { CallRecorder } from "../lib/http/call-recorder"
import type { HttpClient } from "../lib/http/client"
import type { ConnectionConfig, ConnectionKind } from "../modules/integration-hub/options"

/** Durable key/value state of one connection, kept in the hub's database. */
export interface ProviderStateStore {
  get<T>(key: string): Promise<T | null>
  set(key: string, value: Record<string, unknown>): Promise<void>
  delete(key: string): Promise<void>
  /** Atomically adds 1 to the number stored under `key` and returns the new value (1 for a new key). */
  next(key: string): Promise<number>
  /** Atomically takes one from a positive `{ count }` stored under `key`; null when there is none left. */
  consume<T extends { count: number }>(key: string): Promise<T | null>
}

/** What the hub hands every provider it builds. */
export type ProviderDeps = {
  connection: ConnectionConfig
  /** Builds the shared HTTP client for this connection (timeout, rate limit, classification, log rows). */
  createHttpClient: (baseURL: string, secrets: string[]) => HttpClient
  /** Logs calls of providers that do not speak HTTP exactly like the HTTP layer does. */
  createRecorder: (secrets: string[]) => CallRecorder
  state: ProviderStateStore
  logger: Logger
}

/** Implemented by every provider, whatever its kind. */
export interface IntegrationProvider {
  readonly kind: ConnectionKind
  /** Proves the credentials work with one cheap read. Throws an IntegrationError otherwise. */
  testConnection(): Promise<void>
  /** A link to the record in the vendor's own UI, when the vendor has one. */
  externalUrl(entityType: string, externalId: string): string | null
}

/** A provider class as the hub loads it: `new (deps, options)`, with the Medusa provider conventions. */
export type IntegrationProviderClass = {
  new (deps: ProviderDeps, options: unknown): IntegrationProvider
  identifier: string
  kind: ConnectionKind
  /** Throws an Error whose message lists `path: problem` lines (paths relative to the connection's `options`). */
  validateOptions(options: Record<string, unknown>): void
}

export type ErpAddress = {
  /** Recipient name on the address. */
  name: string
  street: string
  city: string
  postalCode: string | null
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string | null
}

export type ErpCustomerInput = {
  email: string
  name: string
  phone: string | null
  shippingAddress: ErpAddress
  billingAddress: ErpAddress
}

export type ErpCustomerRef = {
  externalId: string
  shippingAddressId: string
  billingAddressId: string
  /** True when this call created the customer (so compensation may remove it). */
  created: boolean
}

export type ErpSalesOrderLine = {
  sku: string
  title: string
  quantity: number
  /** Decimal string in major units, e.g. "19.90". */
  unitPrice: string
}

export type ErpSalesOrderInput = {
  /** Stable external reference, e.g. "medusa:order_01H…": the idempotency key in the ERP. */
  reference: string
  /** Human number of the Medusa order (display_id), used in messages and descriptions. */
  orderNumber: string
  customer: ErpCustomerRef
  currencyCode: string
  /** ISO date (YYYY-MM-DD) the order was placed. */
  orderDate: string
  lines: ErpSalesOrderLine[]
  /** Shipping charged to the customer, as a line without product. */
  shipping: { title: string; amount: string } | null
}

export type ErpOrderState = "draft" | "quotation" | "confirmed" | "processing" | "done" | "cancelled"

export type ErpSalesOrder = {
  externalId: string
  /** The ERP's own number for the sale, once it has one. */
  number: string | null
  reference: string
  state: ErpOrderState
}

export type ErpCancelResult = {
  state: ErpOrderState
  /** Human summary of what the ERP did, kept on the sync record. */
  summary: string
}

/** An ERP: where orders become sales orders and where stock is counted. */
export interface ErpProvider extends IntegrationProvider {
  readonly kind: "erp"
  /** Finds the customer by e-mail, creates it when missing, makes sure both addresses exist. */
  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef>
  /** Removes a customer this hub created and nothing references yet; false when the ERP keeps it. */
  deleteCustomer(externalId: string): Promise<boolean>
  /** Idempotent by `input.reference`: an existing sale with that reference is completed, not duplicated. */
  createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }>
  /** Idempotent: a sale already cancelled counts as success. */
  cancelSalesOrder(externalId: string): Promise<ErpCancelResult>
  /** The live (not cancelled) sale carrying `reference`, if any. */
  findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null>
  /** Quantity on hand per SKU; SKUs the ERP does not know are absent from the result. */
  getStockLevels(skus: string[]): Promise<Record<string, { onHand: number; forecast: number }>>
}

export function isErpProvider(p: IntegrationProvider): p is ErpProvider {
  return p.kind === "erp"
}
