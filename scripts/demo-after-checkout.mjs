// The demo's after-checkout leg: a second order changed the way customer service changes orders, each change
// carried to the ERP (and the carrier) by the hub. Everything goes through Medusa's own admin API.
import { DEMO_ADDRESS } from "../demo/storefront.mjs"

const shown = (r) => (r ? `${r.status} — ${r.result_summary ?? r.last_error}` : "no record")

/**
 * Places an order of one Blue shirt; staff edit it (a second shirt, a Red mug added) → the ERP sale follows; ship
 * it in two parcels → a label each, and the ERP's shipment moves each parcel's lines; the customer sends a shirt back → a return label, then, when the parcel is received, the
 * ERP takes the shirt back into stock; the mug is exchanged for a shirt → the ERP's sale of the exchange, and the
 * difference paid → registered against it. Returns the records it showed.
 */
export async function afterCheckoutLeg({ admin, storefront, store }) {
  const order = await storefront.checkout({
    regionId: store.seed.regionId,
    email: `edited-${Date.now()}@example.com`,
    items: [{ variant_id: store.seed.variants["Blue shirt"], quantity: 1 }],
    address: DEMO_ADDRESS,
    shipping: "carrier",
    paymentProvider: store.seed.paymentProviderId ?? "pp_system_default",
  })
  const create = await admin.settledEffect(order.id, "create")
  console.log(`
  After checkout — order #${order.display_id}, 1 Blue shirt: ERP ${shown(create)}`)

  // Customer service edits the order (the admin's "Edit order"): a second shirt and a mug.
  const { order: placed } = await admin.request("GET", `/admin/orders/${order.id}?fields=id,*items`)
  const shirt = placed.items.find((i) => i.title === "Blue shirt")
  await admin.request("POST", "/admin/order-edits", { order_id: order.id, description: "customer asked by phone" })
  await admin.request("POST", `/admin/order-edits/${order.id}/items/item/${shirt.id}`, { quantity: 2 })
  await admin.request("POST", `/admin/order-edits/${order.id}/items`, { items: [{ variant_id: store.seed.variants["Red mug"], quantity: 1 }] })
  await admin.request("POST", `/admin/order-edits/${order.id}/request`, {})
  await admin.request("POST", `/admin/order-edits/${order.id}/confirm`, {})
  const edit = await admin.settledEffect(order.id, "edit")
  console.log(`  Order edited in the admin (Blue shirt ×2, Red mug added) → ERP: ${shown(edit)}`)

  // Shipped in two parcels (the shirts today, the mug when it is in), then one shirt comes back (the admin's
  // "Request return", then "Receive").
  const { order: edited } = await admin.request("GET", `/admin/orders/${order.id}?fields=id,*items`)
  const items = edited.items.filter((i) => Number(i.quantity) > 0)
  const parcels = []
  for (const [n, parcel] of [items.filter((i) => i.title === "Blue shirt"), items.filter((i) => i.title !== "Blue shirt")].entries()) {
    const asked = new Date().toISOString()
    const lines = parcel.map((i) => ({ id: i.id, quantity: Number(i.quantity) }))
    const { order: fulfilled } = await admin.request("POST", `/admin/orders/${order.id}/fulfillments?fields=id,*fulfillments`, { items: lines })
    const fulfillment = fulfilled.fulfillments.filter((f) => !f.canceled_at).sort((a, b) => new Date(b.created_at) - new Date(a.created_at))[0]
    const labels = await admin.settledEffect(order.id, "ship-labels", { after: asked })
    await admin.request("POST", `/admin/orders/${order.id}/fulfillments/${fulfillment.id}/shipments`, { items: lines })
    const delivered = await admin.settledEffect(order.id, "deliveries", { after: asked })
    console.log(`  Parcel ${n + 1} (${parcel.map((i) => `${i.title} ×${Number(i.quantity)}`).join(", ")}) → carrier: ${shown(labels)}; marked shipped → ERP: ${shown(delivered)}`)
    parcels.push(labels, delivered)
  }
  // The edit asked for a new payment of the whole edited order (Medusa's payment collection): staff collect it.
  const collected = await payWhatIsDue(admin, order.id)
  if (collected) console.log(`  Edited order paid (${collected.amount}) → ERP: ${shown(collected.record)}`)
  const { return: ret } = await admin.request("POST", "/admin/returns", { order_id: order.id, location_id: store.seed.stockLocationId })
  const back = [{ id: shirt.id, quantity: 1 }]
  await admin.request("POST", `/admin/returns/${ret.id}/request-items`, { items: back })
  await admin.request("POST", `/admin/returns/${ret.id}/request`, {})
  const returnLabel = await admin.settledEffect(order.id, "return-labels")
  if (returnLabel) console.log(`  Return requested for 1 Blue shirt → carrier: ${shown(returnLabel)}`)
  await admin.request("POST", `/admin/returns/${ret.id}/receive`, {})
  await admin.request("POST", `/admin/returns/${ret.id}/receive-items`, { items: back })
  await admin.request("POST", `/admin/returns/${ret.id}/receive/confirm`, {})
  const returns = await admin.settledEffect(order.id, "returns")
  console.log(`  Return received in the admin → ERP: ${shown(returns)}`)
  let refunds = null
  if (collected) {
    const { order: paidOrder } = await admin.request("GET", `/admin/orders/${order.id}?fields=id,*payment_collections.payments`)
    const payment = paidOrder.payment_collections.flatMap((c) => c.payments ?? []).find((p) => p.captured_at)
    const asked = new Date().toISOString()
    await admin.request("POST", `/admin/payments/${payment.id}/refund`, { amount: 20 })
    refunds = await admin.settledEffect(order.id, "record-refunds", { after: asked })
    console.log(`  The returned shirt refunded (20.00) → ERP: ${shown(refunds)}`)
  }

  // The customer swaps the mug for a shirt (the admin's "Request exchange"), then pays the difference.
  const mug = items.find((i) => i.title === "Red mug")
  const { exchange } = await admin.request("POST", "/admin/exchanges", { order_id: order.id })
  await admin.request("POST", `/admin/exchanges/${exchange.id}/inbound/items`, { items: [{ id: mug.id, quantity: 1 }], location_id: store.seed.stockLocationId })
  await admin.request("POST", `/admin/exchanges/${exchange.id}/outbound/items`, { items: [{ variant_id: store.seed.variants["Blue shirt"], quantity: 1 }] })
  await admin.request("POST", `/admin/exchanges/${exchange.id}/outbound/shipping-method`, { shipping_option_id: store.seed.shippingOptionId, custom_amount: 0 })
  await admin.request("POST", `/admin/exchanges/${exchange.id}/request`, {})
  const exchanged = await admin.settledEffect(order.id, "exchanges")
  console.log(`  Red mug exchanged for a Blue shirt → ERP: ${shown(exchanged)}`)
  const paid = await payWhatIsDue(admin, order.id)
  if (paid) console.log(`  The difference (${paid.amount}) paid → ERP: ${shown(paid.record)}`)
  return [create, edit, ...parcels, collected?.record, returnLabel, returns, refunds, exchanged, paid?.record].filter(Boolean)
}

/** Staff mark the order's payment collection that awaits money as paid (the admin's "Mark as paid"); its ERP record. */
async function payWhatIsDue(admin, orderId) {
  const { order } = await admin.request("GET", `/admin/orders/${orderId}?fields=id,*payment_collections`)
  const due = order.payment_collections.find((c) => c.status === "not_paid")
  if (!due) return null
  const asked = new Date().toISOString()
  await admin.request("POST", `/admin/payment-collections/${due.id}/mark-as-paid`, { order_id: orderId })
  return { amount: Number(due.amount).toFixed(2), record: await admin.settledEffect(orderId, "record-payments", { after: asked }) }
}
