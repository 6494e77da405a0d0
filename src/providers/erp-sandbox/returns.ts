import { IntegrationError } from "../../lib/errors"
import { RETURN_DONE } from "../returns"
import type { ErpReturn, ErpReturnInput, ProviderStateStore } from "../types"
import type { SandboxReturn, SandboxSale } from "./types"

/** How the returns reach the rest of the sandbox: its stock, and its error in words. */
export type SandboxReturnsDeps = {
  state: ProviderStateStore
  connectionId: string
  /** Adds units to the stock on hand of these SKUs (those the sandbox keeps stock of). */
  addStock: (units: Record<string, number>) => Promise<void>
}

/**
 * Customer returns in the sandbox ERP, checked as a real ERP checks them: against the sale's lines, less what its
 * earlier returns took back; made as a draft, taken into stock when done, cancelled while not done.
 */
export class SandboxReturns {
  constructor(private readonly deps: SandboxReturnsDeps) {}

  async createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    const found = await this.byReference(input.reference)
    if (found) return { ...view(found), created: false }
    const sale = await this.deps.state.get<SandboxSale>(`sale:${input.saleExternalId}`)
    if (!sale) throw this.permanent(`Cannot record the return of order #${input.orderNumber}: the sandbox ERP has no sale ${input.saleExternalId}`, "not_found")
    const earlier = await this.returnsOf(sale.id)
    for (const line of input.lines) {
      const sold = sale.lines.filter((l) => l.sku === line.sku).reduce((n, l) => n + l.quantity, 0)
      const back = earlier.filter((r) => r.state !== "cancelled").flatMap((r) => r.lines).filter((l) => l.sku === line.sku).reduce((n, l) => n + l.quantity, 0)
      if (line.quantity > sold - back) {
        throw this.permanent(
          sold === 0
            ? `Cannot record the return of order #${input.orderNumber}: line '${line.title}' (SKU ${line.sku}) was not sold on sandbox sale ${sale.number}. Check the return in Medusa.`
            : `Cannot record the return of order #${input.orderNumber}: ${line.quantity} of line '${line.title}' (SKU ${line.sku}) came back, but sandbox sale ${sale.number} sold ${sold} and ${back} came back before. Check the return in Medusa.`,
          "return_exceeds_sale"
        )
      }
    }
    const seq = await this.deps.state.next("seq:return")
    const ret: SandboxReturn = { id: `ret-${seq}`, number: `SBX-RET-${String(seq).padStart(5, "0")}`, reference: input.reference, saleId: sale.id, state: "draft", lines: input.lines }
    await this.deps.state.set(`return:${ret.id}`, ret)
    await this.deps.state.set(`return-ref:${input.reference}`, { id: ret.id })
    await this.deps.state.set(`returns-of:${sale.id}`, { ids: [...earlier.map((r) => r.id), ret.id] })
    return { ...view(ret), created: true }
  }

  async receiveReturn(externalId: string): Promise<ErpReturn> {
    const ret = await this.read(externalId)
    if (ret.state === "cancelled") throw this.permanent(`Sandbox return ${ret.number} is cancelled: its goods cannot be taken into stock`, "return_cancelled")
    if (ret.state === "draft") {
      await this.deps.state.set(`return:${ret.id}`, { ...ret, state: "done" })
      const units: Record<string, number> = {}
      for (const l of ret.lines) units[l.sku] = (units[l.sku] ?? 0) + l.quantity
      await this.deps.addStock(units)
    }
    return { ...view({ ...ret, state: "done" }), created: false }
  }

  async cancelReturn(externalId: string): Promise<ErpReturn> {
    const ret = await this.read(externalId)
    if (ret.state === "done") throw this.permanent(`Sandbox return ${ret.number} is done: its goods are in stock and it cannot be cancelled`, RETURN_DONE)
    if (ret.state === "draft") await this.deps.state.set(`return:${ret.id}`, { ...ret, state: "cancelled" })
    return { ...view({ ...ret, state: "cancelled" }), created: false }
  }

  private async byReference(reference: string): Promise<SandboxReturn | null> {
    const pointer = await this.deps.state.get<{ id: string }>(`return-ref:${reference}`)
    const ret = pointer && (await this.deps.state.get<SandboxReturn>(`return:${pointer.id}`))
    return ret && ret.state !== "cancelled" ? ret : null
  }

  private async returnsOf(saleId: string): Promise<SandboxReturn[]> {
    const ids = (await this.deps.state.get<{ ids: string[] }>(`returns-of:${saleId}`))?.ids ?? []
    return (await Promise.all(ids.map((id) => this.deps.state.get<SandboxReturn>(`return:${id}`)))).filter((r): r is SandboxReturn => !!r)
  }

  private async read(externalId: string): Promise<SandboxReturn> {
    const ret = await this.deps.state.get<SandboxReturn>(`return:${externalId}`)
    if (!ret) throw this.permanent(`The sandbox ERP has no return ${externalId}`, "not_found")
    return ret
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.deps.connectionId, code, retryable: false })
  }
}

const view = (r: SandboxReturn): Omit<ErpReturn, "created"> => ({ externalId: r.id, number: r.number, state: r.state })
