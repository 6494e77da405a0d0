import type { BigNumberInput, IPaymentModuleService, PaymentCollectionUpdatableFields, RefundDTO } from "@medusajs/framework/types"
import { getEpsilonFromDecimalPrecision, MathBN, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { currencyDigits } from "../../../lib/money"
import type { GatewayRefund } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"

export const recordMedusaRefundsStepId = "record-medusa-refunds"

/** The payment as the step checks it: what Medusa captured and refunded so far, in major units. */
export type PaymentForRefunds = { id: string; payment_collection_id: string; currency_code: string; captured: string; refunded: string }

type Input = {
  connection_id: string
  payment: PaymentForRefunds
  refunds: GatewayRefund[]
  /** Medusa's own refund that made the newest gateway refund, not visible in Medusa yet. */
  awaiting: string | null
}

/**
 * The Payment module's refund rows, written without the provider call `refundPayment` makes: the money already
 * went back at the gateway. Medusa 2.21.2 generates these methods for its Refund model (as for every model of a
 * module) without declaring them on IPaymentModuleService.
 */
type RefundRows = {
  createRefunds(data: Array<{ payment_id: string; amount: BigNumberInput; note: string; metadata: Record<string, unknown> }>): Promise<RefundDTO[]>
}

/**
 * Records refunds made at the gateway on the Medusa payment, one refund row each (noting the gateway's refund id
 * so it is never recorded twice), and the payment collection's refunded amount, as Medusa's own refund does, but
 * without asking the gateway to refund again. Refuses, for now, a refund of more than Medusa has captured: the
 * capture has not reached Medusa yet (its own webhook from the gateway is late), and a retry will find it.
 * Compensation removes the rows and restores the refunded amount.
 */
export const recordMedusaRefundsStep = createSyncStep(
  recordMedusaRefundsStepId,
  async ({ connection_id, payment, refunds, awaiting }: Input, { container }) => {
    if (awaiting) {
      throw new IntegrationError(
        `The gateway's newest refund of payment ${payment.id} was made by Medusa's refund ${awaiting}, which Medusa is still saving; retrying`,
        { connectionId: connection_id, code: "refund_in_flight", retryable: true }
      )
    }
    if (!refunds.length) return new StepResponse([] as Array<{ id: string; amount: string }>, null)
    const total = refunds.reduce((sum, r) => MathBN.add(sum, r.amount), MathBN.convert(0))
    const left = MathBN.sub(MathBN.sub(payment.captured, payment.refunded), total)
    const digits = currencyDigits(payment.currency_code)
    if (MathBN.lt(left, -getEpsilonFromDecimalPrecision(digits))) {
      throw new IntegrationError(
        `The gateway refunded ${MathBN.convert(total).toFixed(digits)} ${payment.currency_code.toUpperCase()} of payment ${payment.id}, but Medusa has captured only ` +
          `${payment.captured} (${payment.refunded} refunded): the capture is not recorded in Medusa yet; retrying`,
        { connectionId: connection_id, code: "refund_before_capture", retryable: true }
      )
    }
    const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const rows = payments as unknown as RefundRows
    const created = await rows.createRefunds(
      refunds.map((r) => ({ payment_id: payment.id, amount: r.amount, note: `Refunded at the gateway (${r.id})`, metadata: { gateway_refund_id: r.id, connection_id } }))
    )
    await refreshRefundedAmount(payments, payment.payment_collection_id)
    return new StepResponse(
      created.map((r, i) => ({ id: r.id, amount: refunds[i].amount })),
      { ids: created.map((r) => r.id), payment_collection_id: payment.payment_collection_id }
    )
  },
  async (made, { container }) => {
    if (!made?.ids.length) return
    const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    await payments.deleteRefunds(made.ids)
    await refreshRefundedAmount(payments, made.payment_collection_id)
  },
  { label: { does: "record the gateway's refunds on the Medusa payment", undoes: "remove the refunds recorded on the Medusa payment" } }
)

/** The collection's refunded amount, summed from its payments' refunds as Medusa's Payment module does. */
async function refreshRefundedAmount(payments: IPaymentModuleService, paymentCollectionId: string): Promise<void> {
  const collection = await payments.retrievePaymentCollection(paymentCollectionId, { relations: ["payments.refunds"] })
  const refunded = (collection.payments ?? []).flatMap((p) => p.refunds ?? []).reduce((sum, r) => MathBN.add(sum, r.amount), MathBN.convert(0))
  // Medusa keeps refunded_amount on the collection; its update type leaves it out, the update takes it.
  const update: PaymentCollectionUpdatableFields & { refunded_amount: BigNumberInput } = { refunded_amount: refunded }
  await payments.updatePaymentCollections(paymentCollectionId, update)
}
