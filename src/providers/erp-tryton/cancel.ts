import { IntegrationError } from "../../lib/errors"
import type { ErpCancelResult } from "../types"
import { stripDisplayKeys, TrytonClient, WizardStep } from "./client"
import type { TrytonPayments } from "./payments"
import { saleLabel as label } from "./mappers"
import type { TrytonInvoice, TrytonSale } from "./types"

/**
 * Cancelling a sale: Tryton cancels a draft or quotation (a confirmed one goes back to draft first); a sale it is
 * processing has what it has not shipped cancelled (shipments, unpaid invoices) and is closed as done.
 */
export class TrytonCancellation {
  constructor(
    private readonly client: TrytonClient,
    private readonly connectionId: string,
    private readonly payments: TrytonPayments,
    /** The sale as Tryton has it, with its effective state. */
    private readonly readSale: (id: number) => Promise<TrytonSale>
  ) {}

  async cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    const id = Number(externalId)
    let sale = await this.readSale(id)
    if (sale.state === "cancelled") return { state: "cancelled", summary: `sale ${label(sale)} was already cancelled` }
    if (sale.state === "confirmed") {
      await this.client.model("sale.sale", "draft", [[id]])
      sale = await this.readSale(id)
    }
    if (sale.state === "draft" || sale.state === "quotation") {
      await this.client.model("sale.sale", "cancel", [[id]])
      sale = await this.readSale(id)
      if (sale.state !== "cancelled") throw this.permanent(`Tryton did not cancel sale ${label(sale)} (state ${sale.state})`, "tryton_cancel_refused")
      return { state: "cancelled", summary: `sale ${label(sale)} cancelled` }
    }
    // Tryton cannot cancel a sale it is processing: cancel what it has not shipped yet and close the sale.
    return this.cancelProcessingSale(sale)
  }

  private async cancelProcessingSale(sale: TrytonSale): Promise<ErpCancelResult> {
    const shipmentIds = sale.shipments ?? []
    const shipments = shipmentIds.length
      ? await this.client.model<Array<{ id: number; state: string }>>("stock.shipment.out", "read", [shipmentIds, ["state"]])
      : []
    if (shipments.some((s) => s.state === "done" || s.state === "packed")) {
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: it has already been packed or shipped. Handle it in Tryton (return or credit note).`,
        "tryton_already_shipped"
      )
    }
    const invoices = await this.cancellableInvoices(sale)
    const open = shipments.filter((s) => s.state !== "cancelled").map((s) => s.id)
    if (open.length) await this.client.model("stock.shipment.out", "cancel", [open])
    for (const invoice of invoices) await this.cancelInvoice(sale, invoice)
    if (sale.state === "processing") {
      // The sale is now in shipment (and invoice) exception; ignoring the cancelled moves and invoices closes it.
      await this.handleException(sale, "sale.handle.shipment.exception", "recreate_moves")
      if (invoices.length) await this.handleException(sale, "sale.handle.invoice.exception", "recreate_invoices")
    }
    const after = await this.readSale(sale.id)
    const invoiced = invoices.length ? `, invoice ${invoices.map((i) => i.number ?? `id ${i.id}`).join(", ")} cancelled` : ""
    return {
      state: after.state,
      summary: `sale ${label(after)}: ${open.length} shipment(s) cancelled, nothing will ship${invoiced}; Tryton closed the sale as done with nothing shipped`,
    }
  }

  /**
   * The sale's customer invoices that are not cancelled yet; refuses, in words, when one is paid: money has
   * changed hands, and only staff can decide on the credit note and the refund.
   */
  private async cancellableInvoices(sale: TrytonSale): Promise<TrytonInvoice[]> {
    const invoices = (await this.payments.readInvoices(sale.invoices ?? [])).filter((i) => i.type === "out" && i.state !== "cancelled")
    const paid = invoices.find((i) => i.state === "paid")
    if (paid) {
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: invoice ${paid.number ?? `id ${paid.id}`} is paid — issue a credit note in Tryton (and refund the customer), then mark this cancellation done.`,
        "tryton_invoice_paid"
      )
    }
    return invoices
  }

  private async cancelInvoice(sale: TrytonSale, invoice: TrytonInvoice): Promise<void> {
    try {
      await this.client.model("account.invoice", "cancel", [[invoice.id]])
    } catch (err) {
      if (!(err instanceof IntegrationError) || err.retryable) throw err
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: invoice ${invoice.number ?? `id ${invoice.id}`} is ${invoice.state} and Tryton refuses to cancel it (${err.message}) — issue a credit note in Tryton, then mark this cancellation done.`,
        "tryton_invoice_not_cancellable"
      )
    }
  }

  /** Runs one of the sale's exception wizards, choosing to recreate nothing (the wizard keeps nothing: its own defaults go back). */
  private async handleException(sale: TrytonSale, wizard: string, recreateField: string): Promise<void> {
    const ctx = { active_model: "sale.sale", active_id: sale.id, active_ids: [sale.id] }
    await this.client.wizard<WizardStep>(wizard, ctx, async (execute) => {
      const ask = await execute({}, "ask")
      return execute({ ask: { ...stripDisplayKeys(ask.view?.defaults ?? {}), [recreateField]: [] } }, "handle")
    })
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
