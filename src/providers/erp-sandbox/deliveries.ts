import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import type { ErpDelivery, ErpDeliveryInput, ProviderStateStore } from "../types"
import type { SandboxSale } from "./types"

type SandboxDelivery = { id: string; number: string; reference: string; saleId: string; lines: Array<{ sku: string; quantity: number }> }

/**
 * Deliveries in the sandbox ERP, checked as a real ERP checks them: each SKU against what the sale sold less its
 * earlier deliveries; the goods leave its stock; one delivery per reference.
 */
export class SandboxDeliveries {
  constructor(private readonly deps: { state: ProviderStateStore; connectionId: string; addStock: (units: Record<string, number>) => Promise<void> }) {}

  async recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    const pointer = await this.deps.state.get<{ id: string }>(`delivery-ref:${input.reference}`)
    const found = pointer && (await this.deps.state.get<SandboxDelivery>(`delivery:${pointer.id}`))
    if (found) return { shipments: [{ externalId: found.id, number: found.number }], created: false }
    const sale = await this.deps.state.get<SandboxSale>(`sale:${input.saleExternalId}`)
    if (!sale) throw this.permanent(`Cannot record fulfillment ${input.reference} of order #${input.orderNumber}: the sandbox ERP has no sale ${input.saleExternalId}`, "not_found")
    const earlier = await this.deliveriesOf(sale.id)
    const lines = sumBySku(input.lines)
    for (const line of lines) {
      const sold = sale.lines.filter((l) => l.sku === line.sku).reduce((n, l) => n + l.quantity, 0)
      const sent = earlier.flatMap((d) => d.lines).filter((l) => l.sku === line.sku).reduce((n, l) => n + l.quantity, 0)
      if (line.quantity > sold - sent) {
        throw this.permanent(
          `Cannot record fulfillment ${input.reference} of order #${input.orderNumber}: it shipped ${line.sku} ×${line.quantity}, but sandbox sale ${sale.number} sold ${sold} and ${sent} left before. Check the fulfillment in Medusa.`,
          "delivery_exceeds_sale"
        )
      }
    }
    const seq = await this.deps.state.next("seq:delivery")
    const delivery: SandboxDelivery = { id: `out-${seq}`, number: `SBX-OUT-${String(seq).padStart(5, "0")}`, reference: input.reference, saleId: sale.id, lines }
    await this.deps.state.set(`delivery:${delivery.id}`, delivery)
    await this.deps.state.set(`delivery-ref:${input.reference}`, { id: delivery.id })
    await this.deps.state.set(`deliveries-of:${sale.id}`, { ids: [...earlier.map((d) => d.id), delivery.id] })
    await this.deps.addStock(Object.fromEntries(lines.map((l) => [l.sku, -l.quantity])))
    return { shipments: [{ externalId: delivery.id, number: delivery.number }], created: true }
  }

  private async deliveriesOf(saleId: string): Promise<SandboxDelivery[]> {
    const ids = (await this.deps.state.get<{ ids: string[] }>(`deliveries-of:${saleId}`))?.ids ?? []
    return (await Promise.all(ids.map((id) => this.deps.state.get<SandboxDelivery>(`delivery:${id}`)))).filter((d): d is SandboxDelivery => !!d)
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.deps.connectionId, code, retryable: false })
  }
}
