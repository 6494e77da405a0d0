// A storefront's checkout through Medusa's Store API (as a Next.js starter would do it), plus the admin calls
// the demo, the browser test and the benchmark need. Node's global fetch only.
import { readFileSync } from "node:fs"

/** No call to the store waits forever, not even one a crashed or stuck store never answers. */
const REQUEST_TIMEOUT_MS = 60_000

export class StoreClient {
  /** @param {string} baseUrl @param {string} publishableKey */
  constructor(baseUrl, publishableKey) {
    this.baseUrl = baseUrl.replace(/\/$/, "")
    this.publishableKey = publishableKey
  }

  async request(method, path, body, headers = {}) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", "x-publishable-api-key": this.publishableKey, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} → HTTP ${res.status}: ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : {}
  }

  /**
   * Cart → shipping method → payment session (`paymentProvider`, Medusa's system provider by default) → complete:
   * the order is placed and order.placed is emitted. Returns the order.
   */
  async checkout({ regionId, email, items, address, shipping = "flat", paymentProvider = "pp_system_default" }) {
    const { cart } = await this.request("POST", "/store/carts", {
      region_id: regionId,
      email,
      items,
      shipping_address: address,
      billing_address: address,
    })
    const { shipping_options } = await this.request("GET", `/store/shipping-options?cart_id=${cart.id}`)
    // "carrier": the option priced by the hub's carrier connection (asked for its price first, as a storefront
    // shows it); { option: name }: the carrier-priced option of that name; "flat", or a store without it: the flat-rate option.
    const named = typeof shipping === "object" ? shipping.option : null
    const carrier = shipping === "carrier" || named ? shipping_options.find((o) => o.price_type === "calculated" && (!named || o.name === named)) : undefined
    if (named && !carrier) throw new Error(`no shipping option "${named}" for this cart (it has ${shipping_options.map((o) => `"${o.name}"`).join(", ")})`)
    const option = carrier ?? shipping_options.find((o) => o.price_type !== "calculated")
    if (!option) throw new Error("no shipping option for this cart")
    if (carrier) {
      const { shipping_option } = await this.request("POST", `/store/shipping-options/${carrier.id}/calculate`, { cart_id: cart.id })
      this.lastShipping = { name: carrier.name, amount: shipping_option.amount }
    } else this.lastShipping = { name: option.name, amount: option.amount }
    await this.request("POST", `/store/carts/${cart.id}/shipping-methods`, { option_id: option.id })
    const { payment_collection } = await this.request("POST", "/store/payment-collections", { cart_id: cart.id })
    await this.request("POST", `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: paymentProvider })
    const started = performance.now()
    const completed = await this.request("POST", `/store/carts/${cart.id}/complete`)
    /** Wall time of the last cart completion alone, for the benchmark. */
    this.lastCompleteMs = performance.now() - started
    if (completed.type !== "order") throw new Error(`cart not completed: ${JSON.stringify(completed.error ?? completed).slice(0, 300)}`)
    return completed.order
  }
}

/** Logs in as an admin user and returns a client for the admin API. */
export async function adminClient(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  if (!res.ok) throw new Error(`admin login failed: HTTP ${res.status}`)
  const { token } = await res.json()
  const request = async (method, path, body) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path} → HTTP ${r.status}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
  return {
    request,
    /** Polls the order's syncs until none is pending or running. */
    async settledSyncs(orderId, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        const data = await request("GET", `/admin/integrations/orders/${orderId}`)
        const busy = data.sync_records.length === 0 || data.sync_records.some((r) => r.status === "pending" || r.status === "running")
        if (!busy || Date.now() > until) return data
        await new Promise((r) => setTimeout(r, 300))
      }
    },
    /**
     * The order's sync record of `operation` once it has settled (it appears when its event is handled), or null;
     * with `after`, once it settled again after that time (a record that runs again for new content).
     */
    async settledEffect(orderId, operation, { timeoutMs = 60_000, after = null } = {}) {
      for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
        const data = await request("GET", `/admin/integrations/orders/${orderId}`)
        const record = data.sync_records.find((r) => r.operation === operation)
        const fresh = !after || new Date(record?.updated_at ?? 0) > new Date(after)
        if (record && fresh && !["pending", "running"].includes(record.status)) return record
        await new Promise((r) => setTimeout(r, 300))
      }
      return null
    },
  }
}

/** Development secret of the demo sandbox ERP's webhooks (a published secret: never use it in a real store). */
export const DEMO_WEBHOOK_SECRET = "whsec_ZGVtby1zYW5kYm94LWVycC13ZWJob29rcw=="

/**
 * Sends a signed `sale.updated` event as the sandbox ERP would (Standard Webhooks), to the store's inbound
 * webhook route. Returns the HTTP status and body.
 */
export async function sendSandboxErpEvent(baseUrl, { connectionId = "erp", secret = DEMO_WEBHOOK_SECRET, orderId, number, state }) {
  const { Webhook } = await import("standardwebhooks")
  const body = JSON.stringify({ type: "sale.updated", timestamp: new Date().toISOString(), data: { reference: `medusa:${orderId}`, number, state } })
  const id = `evt_demo_${Date.now()}`
  const now = new Date()
  const r = await fetch(`${baseUrl}/hooks/integrations/${connectionId}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, now, body),
    },
    body,
  })
  return { status: r.status, body: await r.json() }
}

/** Sends a signed tracking event of the sandbox carrier (Standard Webhooks), as the carrier would when it scans the parcel. */
export async function sendSandboxCarrierEvent(baseUrl, { connectionId = "carrier", secret = DEMO_WEBHOOK_SECRET, labelId, status }) {
  const { Webhook } = await import("standardwebhooks")
  const body = JSON.stringify({ type: "label.tracking", timestamp: new Date().toISOString(), data: { label_id: labelId, status } })
  const id = `evt_carrier_${Date.now()}_${status}`
  const now = new Date()
  const r = await fetch(`${baseUrl}/hooks/integrations/${connectionId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, now, body) },
    body,
  })
  return { status: r.status, body: await r.json() }
}

/** The shopper every demo order ships to (shared with demo/app/store.ts). */
export const DEMO_ADDRESS = JSON.parse(readFileSync(new URL("./app/shopper-address.json", import.meta.url), "utf8"))
