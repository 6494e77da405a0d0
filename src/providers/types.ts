import type { Logger } from "@medusajs/framework/types"
import type { CallRecorder } from "../lib/http/call-recorder"
import type { HttpClient } from "../lib/http/client"
import type { VendorRetryAfter } from "../lib/http/classify"
import type { SignatureVerdict, WebhookHeaders } from "../lib/webhooks/signatures"

/**
 * The contract between the hub and a provider (one adapter per external system). A third-party provider
 * imports these types from "medusa-integration-hub/providers/types" and nothing else of the hub's internals.
 */

export const CONNECTION_KINDS = ["erp", "shipping", "payment", "crm"] as const
export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

/** What a provider may know of the connection it serves (never other connections, never the plugin options). */
export type ProviderConnection = {
  id: string
  kind: ConnectionKind
  mode: "live" | "shadow"
  timeoutMs: number
}

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
  connection: ProviderConnection
  /**
   * Builds the shared HTTP client for this connection (timeout, rate limit, classification, log rows);
   * `retryAfter` reads the vendor's own header when its 429 carries no Retry-After.
   */
  createHttpClient: (baseURL: string, secrets: string[], opts?: { retryAfter?: VendorRetryAfter }) => HttpClient
  /** Logs calls of providers that do not speak HTTP exactly like the HTTP layer does. */
  createRecorder: (secrets: string[]) => CallRecorder
  state: ProviderStateStore
  logger: Logger
}

/** An inbound delivery as the webhook route received it: the exact bytes, for signature checks. */
export type InboundRequest = { rawBody: Buffer; headers: WebhookHeaders }

/** A verified vendor event, reduced to what processing needs (stored durably until processed). */
export type InboundEvent = {
  /** The vendor's event id: the same id delivered twice is stored and applied once. */
  id: string
  /** The vendor's event type, e.g. "sale.updated". */
  type: string
  /** When the vendor says it happened; orders out-of-order deliveries. */
  occurredAt: Date | null
  /** The Medusa record it is about, when the payload says so; the event is shown on it. */
  subject: { entity_type: string; entity_id: string } | null
  /** The event's data: only the fields processing needs. */
  data: Record<string, unknown>
}

/**
 * Inbound support, optional on every kind: a connection whose provider lacks it answers 404 at
 * `/hooks/integrations/:connection_id`. `verifyWebhook` must compare in constant time; `parseWebhook`
 * throws a `WebhookPayloadError` on a body it cannot read (answered 400).
 */
export interface InboundWebhooks {
  /** False when this connection is not set up for webhooks (e.g. no secret configured): answered 404. */
  acceptsWebhooks?(): boolean
  /** May be async: a vendor whose signatures are checked with keys it publishes (a JWKS) fetches them. */
  verifyWebhook(request: InboundRequest): SignatureVerdict | Promise<SignatureVerdict>
  /** May be async: a provider may look up which Medusa record an event is about in its state. */
  parseWebhook(request: InboundRequest): InboundEvent | Promise<InboundEvent>
}

/** Implemented by every provider, whatever its kind. */
export interface IntegrationProvider extends Partial<InboundWebhooks> {
  readonly kind: ConnectionKind
  /** Proves the credentials work with one cheap read. Throws an IntegrationError otherwise. */
  testConnection(): Promise<void>
  /**
   * A link to the record in the vendor's own UI, when the vendor has one. `entityType` names what the id is: a
   * Medusa entity ("order", "customer") or the effect's own kind of record ("invoice" for payments).
   */
  externalUrl(entityType: string, externalId: string): string | null
  /** One logged call (`operation` as the provider logged it) in staff's words, e.g. "find the customer by e-mail". */
  describeCall?(operation: string): string | null
}

/** A provider class as the hub loads it: `new (deps, options)`, with the Medusa provider conventions. */
export type IntegrationProviderClass = {
  new (deps: ProviderDeps, options: unknown): IntegrationProvider
  identifier: string
  kind: ConnectionKind
  /** The vendor's documented request limit, used when the connection sets no `rateLimit` (e.g. HubSpot 100 per 10 s). */
  defaultRateLimit?: { requests: number; perSeconds: number }
  /** Throws an Error whose message lists `path: problem` lines (paths relative to the connection's `options`). */
  validateOptions(options: Record<string, unknown>): void
}

/** Thrown by `parseWebhook` for a body that is not a well-formed event of this vendor. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "WebhookPayloadError"
  }
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

/** One tax Medusa applied to a line: its tax rate's code (mapped to the ERP's tax by the provider) and percentage. */
export type ErpTaxLine = { code: string; rate: string }

/**
 * One line item. Amounts are decimal strings in major units with the currency's precision ("19.90", "1200",
 * "4.750"), always excluding tax (for tax-inclusive prices Medusa's own net figure): what the ERP computes its
 * taxes on.
 */
export type ErpSalesOrderLine = {
  sku: string
  title: string
  quantity: number
  /** Unit price before discounts. */
  unitPrice: string
  /** What the line comes to after its discounts (item and order-level promotions): quantity × net unit price. */
  netAmount: string
  /** Medusa's tax lines on the item; empty when untaxed. */
  taxes: ErpTaxLine[]
}

/** One shipping method charged, after its discounts and excluding tax (0 when free: then absent). */
export type ErpShippingLine = { title: string; netAmount: string; taxes: ErpTaxLine[] }

export type ErpSalesOrderInput = {
  /** Stable external reference, e.g. "medusa:order_01H…": the idempotency key in the ERP. */
  reference: string
  /** Human number of the Medusa order (display_id), used in messages and descriptions. */
  orderNumber: string
  customer: ErpCustomerRef
  currencyCode: string
  /** ISO date (YYYY-MM-DD) the order was placed: the store's calendar date (plugin option `timeZone`). */
  orderDate: string
  /**
   * The instant it was placed (ISO 8601), for an ERP whose sale date is a date and time (Odoo's `date_order`, in
   * UTC); the hub always sends it. Without it such an ERP stamps the sale with its own "now".
   */
  placedAt?: string
  lines: ErpSalesOrderLine[]
  /** Shipping charged to the customer, each a line without product. */
  shipping: ErpShippingLine[]
  /**
   * What the ERP checks before it confirms a new sale (the connection's `orderChecks`): stock, and the list price
   * within a tolerance (null: not checked). A provider that cannot check one says so in its README section.
   */
  checks: { stock: boolean; priceTolerancePercent: number | null }
  /**
   * What Medusa charged: the order total, taxes included, with the currency's precision. The ERP's total must
   * come to the same amount; a provider that cannot make it so refuses the sale rather than book another total.
   */
  total: string
}

/** One captured amount to register in the ERP against the sale's invoice, once, by its stable reference. */
export type ErpPaymentInput = {
  /** The sale the payment is for (the ERP's id, from the order's sync). */
  saleExternalId: string
  orderNumber: string
  /** Stable reference of the capture, e.g. "medusa:capt_01H…": the same reference is registered once. */
  reference: string
  /** Captured amount, a decimal string with the currency's precision. */
  amount: string
  currencyCode: string
  /** ISO date (YYYY-MM-DD) of the capture (or refund): the store's calendar date, as `orderDate`. */
  date: string
}

export type ErpPaymentResult = {
  invoiceExternalId: string
  /** The ERP's number of the invoice the payment was registered against. */
  invoiceNumber: string | null
  /** What is still due on that invoice after this payment. */
  amountDue: string
  /** False when this reference was registered before (nothing was done now). */
  created: boolean
}

/** A refunded amount, credited once by its stable reference ("medusa:<refund id>"); same shape as a payment. */
export type ErpRefundInput = ErpPaymentInput

export type ErpRefundResult = {
  creditNoteExternalId: string
  /** The ERP's number of the credit note. */
  creditNoteNumber: string | null
  /** False when this reference was credited and paid out before (nothing was done now). */
  created: boolean
}

export type ErpOrderState = "draft" | "quotation" | "confirmed" | "processing" | "done" | "cancelled"

export type ErpSalesOrder = {
  externalId: string
  /** The ERP's own number for the sale, once it has one. */
  number: string | null
  reference: string
  state: ErpOrderState
  /** Set when the ERP has the sale but has not processed it (its stock does not count it yet): why, in words. */
  unprocessed?: string | null
}

/** A sale as reconciliation compares it with the Medusa order: its total (taxes included) and product lines. */
export type ErpSaleDetail = ErpSalesOrder & {
  /** The ERP's total, a decimal string; null when it does not say. */
  total: string | null
  currencyCode: string | null
  /** Lines with a product, by SKU (shipping and rounding lines are left out), quantities summed per SKU. */
  lines: Array<{ sku: string; quantity: number }>
}

/** Where a legacy integration marked a sale with the shop's order number (connections[].legacyMatch.field). */
export type LegacyMatchField = "reference" | "description"

export type ErpCancelResult = {
  state: ErpOrderState
  /** Human summary of what the ERP did, kept on the sync record. */
  summary: string
}

export type ErpStockLevel = { onHand: number; forecast: number }

export type ErpStockPageRequest = {
  warehouse?: string | null
  /** A `cursor` of an earlier listing: only SKUs whose stock changed since; null: every SKU. */
  changedSince: string | null
  /** The `next` of the previous page; null for the first. */
  after: string | null
  limit: number
}

/** Which page of a text search of sales (findSalesOrdersByText) to read. */
export type ErpTextSearch = {
  /** The field is the text itself (any case), rather than containing it. */
  exact: boolean
  /** The `next` of the previous page; null for the first. */
  after: string | null
  limit: number
}

export type ErpTextSearchPage = {
  sales: Array<ErpSalesOrder & { matched: string }>
  /** Where the next page starts; null after the last page. */
  next: string | null
}

export type ErpStockPage = {
  levels: Array<ErpStockLevel & { sku: string }>
  /** Where the next page starts; null after the last page. */
  next: string | null
  /** Where a later listing of changes starts: the ERP's clock when this listing began (set on the first page). */
  cursor: string
}

/** An ERP: where orders become sales orders and where stock is counted. */
export interface ErpProvider extends IntegrationProvider {
  readonly kind: "erp"
  /**
   * Finds the customer by e-mail in any case (as the hub locks per e-mail: `emailKey`), taking the e-mail as it is,
   * never as a pattern; creates it when missing; makes sure both addresses exist.
   */
  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef>
  /** Removes a customer this hub created and nothing references yet; false when the ERP keeps it. */
  deleteCustomer(externalId: string): Promise<boolean>
  /** Idempotent by `input.reference`: an existing sale with that reference is completed, not duplicated. */
  createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }>
  /** Idempotent: a sale already cancelled counts as success. */
  cancelSalesOrder(externalId: string): Promise<ErpCancelResult>
  /** The live (not cancelled) sale carrying `reference`, if any. */
  findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null>
  /**
   * One page (ids ascending) of the live sales whose `field` is `text`, or contains it (`page.exact`), any case and
   * `text` taken as it is (no wildcards), each with that field's value (`matched`): how the sales a legacy
   * integration wrote are found (the hub pages through them and keeps those where the text stands alone).
   * Optional: a connection whose provider lacks it cannot take `legacyMatch`.
   */
  findSalesOrdersByText?(field: LegacyMatchField, text: string, page: ErpTextSearch): Promise<ErpTextSearchPage>
  /**
   * The sale with this id as the ERP has it now (cancelled ones too), with its total and lines; null when the ERP no
   * longer has it (deleted). Optional: without it reconciliation only checks that each order's sale exists.
   */
  getSalesOrder?(externalId: string): Promise<ErpSaleDetail | null>
  /**
   * Many sales at once, each as `getSalesOrder` reads it, by id; ids the ERP no longer has are absent. Reconciliation
   * reads a page of orders' sales with it (one failing call is read again one sale at a time). Optional: without it
   * the sales are read one at a time.
   */
  getSalesOrders?(externalIds: string[]): Promise<Map<string, ErpSaleDetail>>
  /**
   * Of these sales, the ones whose goods the ERP's stock figures already count (the ERP processed them: their stock
   * moves are planned). The stock import adds back Medusa's reservations only for those. Optional: without it every
   * sale the hub created is taken as counted.
   */
  salesCountedInStock?(externalIds: string[]): Promise<Set<string>>
  /**
   * Stock per SKU in a warehouse (its code; the provider's default warehouse when absent): on hand, and the forecast
   * (on hand less what is planned to leave, plus what is planned to arrive). SKUs the ERP does not know are absent.
   */
  getStockLevels(skus: string[], opts?: { warehouse?: string | null }): Promise<Record<string, ErpStockLevel>>
  /**
   * Pages through the stock of a warehouse, every SKU or (with `changedSince`, a cursor this method returned) only
   * those whose stock changed since. Optional: without it every import reads every SKU Medusa sells, by batch.
   */
  listStockLevels?(page: ErpStockPageRequest): Promise<ErpStockPage>
  /**
   * Registers a captured amount against the sale's invoice (posting the invoice first), idempotent by
   * `reference`. Optional: the hub skips payments, saying so on the order, for an ERP provider without it.
   */
  recordPayment?(input: ErpPaymentInput): Promise<ErpPaymentResult>
  /**
   * Credits a refunded amount (taxes included) against the sale's invoice with a credit note, and records the
   * payout where the ERP does; idempotent by `reference`. Optional, like `recordPayment`.
   */
  recordRefund?(input: ErpRefundInput): Promise<ErpRefundResult>
}

/**
 * Inbound events an ERP provider's `parseWebhook` may produce (the hub's vocabulary, whatever the vendor calls
 * them). `sale.updated`: the ERP's sale carrying our reference changed state. `stock.changed`: the ERP's stock
 * changed (of these SKUs, when it says): the hub imports the changes now rather than at the next scheduled import.
 */
export type ErpInboundEvents = {
  "sale.updated": { reference: string; number: string | null; state: ErpOrderState }
  "stock.changed": { skus?: string[] }
}

/** A carrier: rates at checkout, labels, tracking. */
export interface ShippingProvider extends IntegrationProvider {
  readonly kind: "shipping"
  /** The carriers' prices for the shipment, cheapest first. */
  getRates(input: ShipmentRequest): Promise<ShippingRate[]>
  /** Idempotent by `input.reference`: a label already bought for it is returned (`created: false`), not bought again. */
  createLabel(input: LabelRequest): Promise<ShippingLabel>
  /** Idempotent: a label already voided counts as success. `voided: false` says why the carrier refused. */
  voidLabel(labelId: string): Promise<{ voided: boolean; summary: string }>
  getTracking(labelId: string): Promise<TrackingStatus>
}

/** A parcel: its weight in grams and, when known, its dimensions in centimetres. */
export type Parcel = { weightGrams: number; lengthCm?: number; widthCm?: number; heightCm?: number }
/** An address a carrier ships from or to: a carrier needs a phone and, in many countries, the province. */
export type ShipmentAddress = ErpAddress & { phone: string | null; province: string | null; company: string | null }
export type ShipmentRequest = { from: ShipmentAddress; to: ShipmentAddress; parcels: Parcel[]; currencyCode: string }
export type LabelRequest = ShipmentRequest & {
  /** Our stable reference for the shipment, e.g. "medusa:ful_01H…": one label per reference. */
  reference: string
  /** The Medusa order and fulfillment shipped: the carrier's later tracking events are about them. */
  subject: { orderId: string; fulfillmentId: string }
  /** The rate chosen: the carrier account and its service. */
  carrierId: string
  serviceCode: string
}
export type ShippingRate = {
  /** The carrier account in the shipping system (ShipStation's `se-…` id). */
  carrierId: string
  /** The carrier ("ups", "usps"). */
  carrier: string
  serviceCode: string
  serviceName: string
  /** Everything the carrier charges for it, a decimal string in major units. */
  amount: string
  currencyCode: string
  deliveryDays: number | null
}
export type ShippingLabel = {
  labelId: string
  trackingNumber: string
  trackingUrl: string | null
  carrier: string
  labelUrl: string | null
  /** False when the label was bought before for this reference (nothing was bought now). */
  created: boolean
}
export type TrackingStatus = {
  trackingNumber: string
  status: "pending" | "in_transit" | "delivered" | "exception" | "unknown"
  occurredAt: Date | null
  description: string | null
}

/** A payment gateway, next to Medusa's own payment provider: its events and its truth for reconciliation. */
export interface PaymentGatewayProvider extends IntegrationProvider {
  readonly kind: "payment"
  /** A gateway without inbound events is of no use to the hub: these are required here. */
  verifyWebhook: InboundWebhooks["verifyWebhook"]
  parseWebhook: InboundWebhooks["parseWebhook"]
  getPaymentState(paymentId: string): Promise<GatewayPaymentState>
  /** The gateway's id of a Medusa payment, or null when the payment is not this gateway's (another provider's). */
  gatewayPaymentId(payment: MedusaPaymentRef): string | null
  /** Filters for Medusa's Payment module that find the payment the gateway calls `gatewayPaymentId`. */
  medusaPaymentFilter(gatewayPaymentId: string): Record<string, unknown>
}

/** A Medusa payment as a gateway reads it: Medusa's payment provider and the data it keeps. */
export type MedusaPaymentRef = { id: string; provider_id: string; data: Record<string, unknown> | null }

/**
 * The hub's payment events (a gateway provider's `parseWebhook` translates its vendor's events into these), with
 * the `subject` `{ entity_type: "gateway_payment", entity_id: <gateway payment id> }`: the events about one payment
 * are applied one at a time, in the order they arrive. Amounts are decimal strings in major units.
 */
export type GatewayPaymentEvents = {
  /**
   * Every refund the gateway holds for the payment (not only the newest): each is recorded once, by its id.
   * `requested_with_key`: the idempotency key of the API call that made the newest refund (Medusa refunds with its
   * own refund id as the key), null when it was made at the gateway (its dashboard).
   */
  "payment.refunded": { payment_id: string; currency_code: string; amount_refunded: string; refunds: GatewayRefund[]; requested_with_key: string | null }
  "payment.dispute_opened": GatewayDispute
  "payment.dispute_closed": GatewayDispute
  "payment.failed": { payment_id: string; reason: string }
  "payment.canceled": { payment_id: string; reason: string }
}
export type GatewayRefund = { id: string; amount: string; status: "succeeded" | "pending" | "failed" | "canceled"; created_at: string }
/** `status` as the gateway says it ("needs_response", "won", "lost", …); `due_by` the deadline to answer, when known. */
export type GatewayDispute = { payment_id: string; dispute: string; amount: string; currency_code: string; reason: string; status: string; due_by: string | null }

export type GatewayPaymentState = {
  paymentId: string
  status: "requires_action" | "authorized" | "captured" | "canceled" | "failed" | "refunded" | "partially_refunded"
  /** Decimal strings in major units. */
  amount: string
  capturedAmount: string
  refundedAmount: string
  currencyCode: string
}

/** A CRM: contacts and deals kept in step with the store. */
export interface CrmProvider extends IntegrationProvider {
  readonly kind: "crm"
  /**
   * Matched by our stable id (a property of the CRM's), then by e-mail; created when missing, and a conflict on
   * create is resolved by finding the record, never by a second one. Writes only the fields that differ from what
   * the CRM holds, and none of `crmOwned` that the CRM already has a value for (those are returned as `kept`).
   */
  upsertContact(input: CrmContactInput): Promise<CrmContactResult>
  /** Idempotent by `input.reference`: one deal per order; later calls move its stage and amount, nothing else. */
  upsertDeal(input: CrmDealInput): Promise<CrmDealResult>
  /**
   * Pages through the contacts changed in the CRM since `changedSince` (a cursor this method returned; null: since
   * `startAt`), oldest change first, for the hub to take the CRM's changes of the fields it owns (or shares, latest
   * wins). Our own writes come back here too: the hub recognises them. Optional: without it nothing flows CRM → Medusa.
   */
  listContactChanges?(page: CrmContactChangesRequest): Promise<CrmContactChangesPage>
  /**
   * Of these contacts or deals (the CRM's ids), those it still has (not deleted or archived). Optional: without it
   * reconciliation checks the hub's records of them only.
   */
  existingRecords?(type: "contact" | "deal", externalIds: string[]): Promise<Set<string>>
}

export type CrmContactChangesRequest = { changedSince: string | null; startAt: Date; after: string | null; limit: number }
export type CrmContactChangesPage = {
  contacts: CrmContactChange[]
  /** Pass as `after` for the next page; null on the last. */
  next: string | null
  /** Pass as `changedSince` next time (with a safety margin for the CRM's search index, so nothing is skipped). */
  cursor: string
}
/** A contact as the CRM holds it now, in the hub's field names, with when it last changed. */
export type CrmContactChange = {
  externalId: string
  /** Our customer id, when the contact carries it (contacts without it are not linked to a Medusa customer). */
  reference: string | null
  fields: Record<CrmContactField, string | null>
  modifiedAt: Date
}

/** The contact fields the hub writes, by the hub's names (the provider maps them to the CRM's). */
export type CrmContactField = "email" | "firstName" | "lastName" | "phone" | "company"
export type CrmContactInput = {
  /** Our stable id of the customer (the Medusa customer id); null for a guest checkout, matched by e-mail only. */
  reference: string | null
  email: string
  firstName: string | null
  lastName: string | null
  phone: string | null
  /** The customer's company (B2B): associated with the contact as a company record. */
  company: string | null
  guest: boolean
  /** Fields the CRM owns (the source-of-truth option): never overwritten once the CRM holds a value. */
  crmOwned?: CrmContactField[]
  /**
   * Fields not to write at all: Medusa has not changed them since the hub last synced the contact, so a different
   * value in the CRM is the CRM's own change (the hub's contact import takes it, by the source-of-truth rules).
   */
  unchanged?: CrmContactField[]
}
export type CrmContactResult = {
  externalId: string
  created: boolean
  /** The fields written by this call (none when the CRM already held every value). */
  sent: CrmContactField[]
  /** Writes not made because the CRM owns the field: its value won. */
  kept: Array<{ field: CrmContactField; crm: string; ours: string | null }>
  /** The CRM's values this call replaced (fields it held another value for), for the hub to tell concurrent edits. */
  replaced?: Array<{ field: CrmContactField; crm: string }>
  /** When the CRM last changed the contact before this call (an existing contact), ISO 8601. */
  modifiedAt?: string | null
  companyExternalId: string | null
  /** How many contacts shared the batch call that wrote this one, when it went in a batch. */
  batchOf?: number
}
export type CrmDealInput = {
  /** Our stable reference of the order, e.g. "medusa:order_01…": one deal per reference. */
  reference: string
  contactExternalId: string
  companyExternalId: string | null
  name: string
  /** What the order is worth now (net of refunds), a decimal string in major units. */
  amount: string
  currencyCode: string
  /** The order's state; the provider maps it to a stage of its configured pipeline. */
  state: "placed" | "canceled" | "refunded"
  closeDate: string | null
  /** Created with the deal, once. */
  lines: Array<{ sku: string | null; name: string; quantity: number; unitPrice: string }>
}
export type CrmDealResult = { externalId: string; created: boolean; stage: string; sent: string[] }

/** The provider interface of each kind, for `getProvider(connectionId, kind)`. */
export type ProviderOfKind = {
  erp: ErpProvider
  shipping: ShippingProvider
  payment: PaymentGatewayProvider
  crm: CrmProvider
}

/** True when the provider takes inbound webhooks. */
export function hasInboundSupport(p: IntegrationProvider): p is IntegrationProvider & InboundWebhooks {
  return typeof p.verifyWebhook === "function" && typeof p.parseWebhook === "function" && (p.acceptsWebhooks?.() ?? true)
}
