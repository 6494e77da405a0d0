/** Tryton's RPC names in staff's words, for the order page's log drawer. */
const WORDS: Record<string, string> = {
  "common.db.login": "log in to Tryton",
  "model.res.user.get_preferences": "read the Tryton user's preferences",
  "model.party.contact_mechanism.search_read": "find the customer by e-mail",
  "model.party.party.create": "create the customer",
  "model.party.party.delete": "remove the customer",
  "model.party.address.search_read": "read the customer's addresses",
  "model.party.address.create": "add an address to the customer",
  "model.country.country.search": "look up the country",
  "model.currency.currency.search": "look up the currency",
  "model.product.product.search_read": "find the products by SKU",
  "model.sale.sale.search_read": "find the sale by our reference",
  "model.sale.sale.create": "create the sale",
  "model.sale.sale.read": "read the sale",
  "model.sale.sale.quote": "quote the sale",
  "model.sale.sale.confirm": "confirm the sale",
  "model.sale.sale.draft": "reset the sale to draft",
  "model.sale.sale.cancel": "cancel the sale",
  "model.stock.move.read": "read the sale's stock moves",
  "model.stock.shipment.out.read": "read the sale's shipments",
  "model.stock.shipment.out.cancel": "cancel the sale's shipments",
  "model.stock.location.search": "find the warehouse",
  "wizard.sale.handle.shipment.exception.create": "open the shipment-exception wizard",
  "wizard.sale.handle.shipment.exception.execute": "close the sale with nothing shipped",
  "wizard.sale.handle.shipment.exception.delete": "close the shipment-exception wizard",
  "model.sale.line.create": "add the rounding line to the sale",
  "model.account.tax.search": "look up the tax",
  "model.company.company.read": "read the company's currency",
  "model.currency.currency.read": "read the company's currency",
  "model.account.invoice.read": "read the sale's invoice",
  "model.account.invoice.post": "post the invoice",
  "model.account.move.line.read": "read the invoice's payments",
  "model.account.invoice.payment.method.search": "find the payment method",
  "wizard.account.invoice.pay.create": "open the payment wizard",
  "wizard.account.invoice.pay.execute": "register the payment on the invoice",
  "wizard.account.invoice.pay.delete": "close the payment wizard",
}

/** What a Tryton call did, in words; null for a call without a description (the drawer shows its RPC name). */
export function describeTrytonCall(operation: string): string | null {
  return WORDS[operation] ?? null
}
