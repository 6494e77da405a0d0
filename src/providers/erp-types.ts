/** What an ERP provider is given and answers: customers, sales, money, stock. */
import type { IntegrationProvider } from "./types"

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
  /**
   * Medusa sold it whatever the stock (the variant allows backorders or does not manage inventory): the stock check
   * passes it and says so (`ErpSalesOrder.backordered`). Absent: an ordinary line, refused beyond the ERP's forecast.
   */
  backorder?: boolean
}

/** One shipping method charged, after its discounts and excluding tax (0 when free: then absent). */
export type ErpShippingLine = { title: string; netAmount: string; taxes: ErpTaxLine[] }

/**
 * Goods an exchange or a claim takes back, credited on the sale of what it sends out: a line without product (no
 * stock moves: the goods come back by the return), `netAmount` the positive amount credited, excluding tax.
 */
export type ErpCreditLine = { title: string; netAmount: string; taxes: ErpTaxLine[] }

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
   * On the sale of an exchange or a claim: the goods it takes back, each credited as a line without product at a
   * negative amount. Absent on an order's own sale.
   */
  credits?: ErpCreditLine[]
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
  /**
   * True when no earlier try of this sync can have sent the sale: the record's first attempt, not an in-place
   * repeat. A provider may then skip its lookup by `reference` before creating, as long as it still reads back the
   * sales of that reference after creating (a sale another process made under it meanwhile is kept, ours
   * cancelled). Absent or false: look up first.
   */
  firstAttempt?: boolean
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
  /**
   * Set by `createSalesOrder` when it created a sale with backorder lines beyond the ERP's forecast: which SKUs, how
   * many, and the ERP's figure, in words ("SHIRT-BLUE ×5 backordered: Tryton can ship 2 (forecast in the warehouse).").
   */
  backordered?: string | null
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

/** One line a customer sent back: the SKU and how many units the warehouse took in. */
export type ErpReturnLine = { sku: string; title: string; quantity: number }

/**
 * Goods a customer sent back, received into the warehouse: one ERP return (Tryton: a customer return shipment;
 * Odoo: the return picking of the sale's delivery) per Medusa return, by its stable reference. Money is not part of
 * it: Medusa's refund of the return is credited once, by its refund id, by `recordRefund`.
 */
export type ErpReturnInput = {
  /** The sale the goods were sold on (the ERP's id, from the order's sync). */
  saleExternalId: string
  orderNumber: string
  /** Stable reference of the Medusa return, "medusa:<return id>": the same reference makes one return. */
  reference: string
  lines: ErpReturnLine[]
  /** ISO date (YYYY-MM-DD) the goods were received: the store's calendar date, as `orderDate`. */
  date: string
}

export type ErpReturn = {
  externalId: string
  /** The ERP's number of the return (shipment or picking), once it has one. */
  number: string | null
  /** "draft": made, goods not yet taken in; "done": in the warehouse's stock; "cancelled". */
  state: "draft" | "done" | "cancelled"
  /** False when a return with this reference existed before (nothing was made now). */
  created: boolean
}

/** An outbound shipment the ERP's warehouse completed (connections[].fulfilment "erp"): what left, for which sale. */
export type ErpShipment = {
  externalId: string
  number: string | null
  /** The reference of the sale the goods were sold on (ours: "medusa:<order id>", or a replacement's). */
  saleReference: string
  /** When the ERP marked it done (ISO 8601). */
  doneAt: string
  /** The carrier's tracking number and name, when the ERP keeps them; null otherwise. */
  trackingNumber: string | null
  carrier: string | null
  /** What left, by SKU (lines without a product left out). */
  lines: Array<{ sku: string; quantity: number }>
}

/**
 * Goods Medusa shipped (a fulfillment marked shipped, with the hub's carrier or by hand), for stores that ship from
 * Medusa (connections[].fulfilment "medusa"): the ERP's outbound shipment of the sale moves these lines only, and
 * keeps the rest waiting for a later parcel.
 */
export type ErpDeliveryInput = {
  /** The sale the goods were sold on (the ERP's id: the order's, or an exchange's). */
  saleExternalId: string
  orderNumber: string
  /** Stable reference of the Medusa fulfillment, "medusa:<fulfillment id>": the same reference ships once. */
  reference: string
  lines: Array<{ sku: string; title: string; quantity: number }>
  /** ISO date (YYYY-MM-DD) the goods left: the store's calendar date, as `orderDate`. */
  date: string
}

export type ErpDelivery = {
  /** The ERP's outbound shipments that carried these lines (one, unless the sale's goods waited in several). */
  shipments: Array<{ externalId: string; number: string | null }>
  /** False when shipments with this reference were done before (nothing moved now). */
  created: boolean
}

/** Which page of done shipments to read (`listShipmentsDone`). */
export type ErpShipmentPageRequest = {
  /** A `cursor` of an earlier listing: only shipments done (or changed) since; null: from `notBefore`. */
  changedSince: string | null
  /** The first listing reads no shipment done before this instant (ISO 8601): history is not fulfilled again. */
  notBefore: string
  /** The `next` of the previous page; null for the first. */
  after: string | null
  limit: number
}

export type ErpShipmentPage = {
  shipments: ErpShipment[]
  /** Where the next page starts; null after the last page. */
  next: string | null
  /** Where a later listing starts: the ERP's clock when this listing began, less a margin (set on every page). */
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
  /**
   * Makes (or finds, by `input.reference`) the return of these lines against the sale, not yet taken into stock.
   * Refuses, permanently and naming the order and the line, a SKU the sale did not sell or more units than it sold
   * less what earlier returns of it took back. Optional, with `receiveReturn` and `cancelReturn`: the hub skips
   * returns, saying so on the order, for an ERP provider without them.
   */
  createReturn?(input: ErpReturnInput): Promise<ErpReturn>
  /**
   * Pages (ids ascending) through the outbound shipments the ERP completed since a cursor, for stores whose
   * warehouse ships in the ERP (connections[].fulfilment "erp"). A shipment may be listed twice (cursor margins):
   * the hub fulfils each once. Optional: a connection whose provider lacks it cannot take `fulfilment: "erp"`.
   */
  listShipmentsDone?(page: ErpShipmentPageRequest): Promise<ErpShipmentPage>
  /**
   * Marks these lines of the sale shipped: its waiting outbound shipment moves exactly them (the ERP keeps the rest
   * for a later parcel), idempotent by `input.reference`. Refuses, permanently and naming the order and the SKU,
   * lines the sale's open shipments do not hold (shipped or cancelled in the ERP); retryable while the ERP has not
   * planned the sale's shipment yet. Optional: the hub skips deliveries, saying so on the order, without it.
   */
  recordDelivery?(input: ErpDeliveryInput): Promise<ErpDelivery>
  /** Takes a return's goods into the warehouse's stock (done); idempotent: a done return is returned as it is. */
  receiveReturn?(externalId: string, input: ErpReturnInput): Promise<ErpReturn>
  /**
   * Cancels a return not yet done (compensation); idempotent. A done one is refused, permanently, with the code
   * `RETURN_DONE` (providers/returns.ts): its goods are in stock.
   */
  cancelReturn?(externalId: string): Promise<ErpReturn>
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
