import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { SandboxGatewayProvider } from "../../../../../../providers/payment-sandbox/service"
import type { SignedWebhook } from "../../../../../../providers/payment-sandbox/types"
import { hubOf } from "../../../serializers"
import type { SandboxPaymentBodyType } from "../../../validators"

/**
 * POST /admin/integrations/connections/:id/sandbox-payments — DEVELOPMENT ONLY: makes the sandbox gateway do what
 * happens at a real gateway without Medusa (a refund in its dashboard, a dispute and its outcome, a failure, a
 * cancellation) to a payment (`payment_id`: the gateway's id, or the Medusa payment's "pay_…") and answers with the signed webhook the gateway sends about it, `webhook: { url, body, headers }`,
 * for the caller to POST to the store's webhook route as the gateway would (the store verifies it there like any
 * delivery). 404 for any connection that is not the sandbox gateway, and in production unless `allowControls`.
 */
export async function POST(req: MedusaRequest<SandboxPaymentBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const provider = hub.findConnection(req.params.id) && hub.getProvider(req.params.id)
  if (!(provider instanceof SandboxGatewayProvider) || !provider.controlsAllowed(process.env.NODE_ENV)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No sandbox gateway connection "${req.params.id}" takes payment controls here`)
  }
  const paymentId = await gatewayIdOf(req.scope, provider, req.validatedBody.payment_id)
  const body = { ...req.validatedBody, payment_id: paymentId }
  const webhook = await control(provider, body)
  res.json({
    connection_id: req.params.id,
    action: body.action,
    payment: await provider.ledger(paymentId),
    webhook: { url: `/hooks/integrations/${req.params.id}`, ...webhook },
  })
}

/** The gateway's id of the payment: given as is, or a Medusa payment ("pay_…") the sandbox gateway took. */
async function gatewayIdOf(scope: MedusaContainer, provider: SandboxGatewayProvider, id: string): Promise<string> {
  if (!id.startsWith("pay_")) return id
  const [payment] = await scope.resolve<IPaymentModuleService>(Modules.PAYMENT).listPayments({ id }, { select: ["id", "provider_id", "data"] })
  const gatewayId = payment ? provider.gatewayPaymentId({ id: payment.id, provider_id: payment.provider_id, data: payment.data ?? null }) : null
  if (!gatewayId) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Payment ${id} is not a payment of the sandbox gateway (its provider is not pp_sandbox-gateway_…)`)
  return gatewayId
}

async function control(provider: SandboxGatewayProvider, body: SandboxPaymentBodyType): Promise<SignedWebhook> {
  const { payment_id: id, amount, reason } = body
  switch (body.action) {
    case "refund":
      return provider.dashboardRefund(id, amount)
    case "dispute":
      return provider.openDispute(id, { reason: reason ?? "fraudulent", amount })
    case "close_dispute": {
      const disputeId = body.dispute_id ?? (await provider.openDisputeOf(id))
      if (!disputeId) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Payment ${id} has no open dispute at the sandbox gateway`)
      return provider.closeDispute(disputeId, body.outcome ?? "won")
    }
    case "fail":
      return provider.failPayment(id, reason ?? "card_declined")
    case "cancel":
      return provider.cancelPayment(id, reason ?? "requested_by_customer")
  }
}
