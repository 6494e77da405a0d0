import type { OdooTestServer } from "./server"

/** What staff do in Odoo's UI, as the same call through JSON-2 (independent of the adapter); Odoo's refusal is thrown as its exception. */
export async function staff(odoo: OdooTestServer, model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(`${odoo.url}/json/2/${model}/${method}`, { method: "POST", headers: { authorization: `bearer ${odoo.apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) })
  const answer: unknown = await res.json()
  if (!res.ok) throw Object.assign(new Error((answer as { message: string }).message), { name: (answer as { name: string }).name })
  return answer
}

/** The sale's delivery (its outgoing transfer), as the server holds it. */
export const deliveryOf = (odoo: OdooTestServer, saleId: string) => odoo.rows("stock.picking").find((p) => p.sale_id === Number(saleId) && p.picking_type_code === "outgoing")!

/** The warehouse ships the sale: staff validate its delivery. */
export const deliver = async (odoo: OdooTestServer, saleId: string): Promise<void> => {
  await staff(odoo, "stock.picking", "button_validate", { ids: [deliveryOf(odoo, saleId).id] })
}
