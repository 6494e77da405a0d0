import type {
  AuthorizePaymentInput, AuthorizePaymentOutput, BigNumberInput, CancelPaymentInput, CancelPaymentOutput, CapturePaymentInput, CapturePaymentOutput,
  DeletePaymentInput, DeletePaymentOutput, GetPaymentStatusInput, GetPaymentStatusOutput, InitiatePaymentInput, InitiatePaymentOutput, ProviderWebhookPayload,
  RefundPaymentInput, RefundPaymentOutput, RetrievePaymentInput, RetrievePaymentOutput, UpdatePaymentInput, UpdatePaymentOutput, WebhookActionResult,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, MathBN, MedusaError, PaymentActions, PaymentSessionStatus } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { HubCradle, hubOfCradle } from "../hub-of-cradle"
import { SandboxGatewayProvider } from "../payment-sandbox/service"
import type { Ledger } from "../payment-sandbox/types"
import { assertProviderOptions } from "../validate-options"

export const sandboxCheckoutOptionsSchema = z.object({
  /** The hub's payment connection (provider "sandbox-gateway") whose ledger this checkout fills. */
  connection: z.string().min(1),
})
type SandboxCheckoutOptions = z.output<typeof sandboxCheckoutOptionsSchema>

/** What the provider keeps as the Medusa payment's (and session's) data: the gateway's payment id. */
type SandboxPaymentData = { id: string }

const STATUS: Record<Ledger["status"], PaymentSessionStatus> = {
  requires_action: PaymentSessionStatus.PENDING,
  authorized: PaymentSessionStatus.AUTHORIZED,
  captured: PaymentSessionStatus.CAPTURED,
  canceled: PaymentSessionStatus.CANCELED,
  failed: PaymentSessionStatus.ERROR,
}

/**
 * DEVELOPMENT ONLY — Medusa's payment provider for the sandbox gateway, so that checkout, the admin's Capture and
 * Refund and order cancellation fill the gateway's ledger as a real gateway's would be filled by Medusa's own
 * provider (Stripe's). Medusa names it `pp_sandbox-gateway_<id>`. It runs inside the Payment module: the store
 * registers that module with `dependencies: ["integration_hub"]`, so it reaches the hub's sandbox connection (and
 * its call log). Authorization succeeds at once; captures take the whole amount; refunds are the gateway's "API
 * refunds", once per Medusa refund id.
 */
export class SandboxGatewayCheckoutProvider extends AbstractPaymentProvider<SandboxCheckoutOptions> {
  static identifier = "sandbox-gateway"

  private readonly options: SandboxCheckoutOptions

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxCheckoutOptionsSchema, options)
  }

  constructor(private readonly cradle: HubCradle, options: SandboxCheckoutOptions) {
    super(cradle as Record<string, unknown>, options)
    this.options = sandboxCheckoutOptionsSchema.parse(options ?? {})
  }

  /** The hub's sandbox gateway connection named in the options. */
  private gateway(): SandboxGatewayProvider {
    const hub = hubOfCradle(this.cradle, "sandbox gateway payment provider", "payment")
    const provider = hub.findConnection(this.options.connection) ? hub.getProvider(this.options.connection) : null
    if (!(provider instanceof SandboxGatewayProvider)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `The sandbox gateway payment provider's option connection "${this.options.connection}" is not a hub connection with provider "sandbox-gateway"`)
    }
    return provider
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const ledger = await this.gateway().apiCreate({ amount: decimal(input.amount), currency: input.currency_code, idempotencyKey: input.context?.idempotency_key })
    return { id: ledger.id, data: dataOf(ledger), status: STATUS[ledger.status] }
  }

  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const ledger = await this.gateway().apiUpdate(idOf(input.data), decimal(input.amount))
    return { data: dataOf(ledger), status: STATUS[ledger.status] }
  }

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const ledger = await this.gateway().apiAuthorize(idOf(input.data))
    return { data: dataOf(ledger), status: STATUS[ledger.status] }
  }

  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const ledger = await this.gateway().apiCapture(idOf(input.data), input.context?.idempotency_key)
    return { data: dataOf(ledger) }
  }

  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const ledger = await this.gateway().apiRefund(idOf(input.data), decimal(input.amount), input.context?.idempotency_key)
    return { data: dataOf(ledger) }
  }

  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const ledger = await this.gateway().apiCancel(idOf(input.data))
    return { data: dataOf(ledger) }
  }

  /** A session given up (another provider chosen): the payment is canceled at the gateway, as Stripe's provider does. */
  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const id = typeof input.data?.id === "string" ? input.data.id : null
    if (!id) return { data: input.data ?? {} }
    return this.cancelPayment(input)
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const ledger = await this.gateway().apiRetrieve(idOf(input.data))
    return { data: dataOf(ledger), status: STATUS[ledger.status] }
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const ledger = await this.gateway().apiRetrieve(idOf(input.data))
    return { data: { ...dataOf(ledger), amount: ledger.amount, currency: ledger.currency, status: ledger.status } }
  }

  /** The gateway's events go to the hub's webhook route (/hooks/integrations/<connection>), not to Medusa's. */
  async getWebhookActionAndData(_data: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    return { action: PaymentActions.NOT_SUPPORTED }
  }
}

const dataOf = (ledger: Ledger): SandboxPaymentData => ({ id: ledger.id })

function idOf(data: Record<string, unknown> | undefined): string {
  const id = data?.id
  if (typeof id !== "string" || !id) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "This payment has no sandbox gateway payment id (data.id): it was not created by the sandbox gateway provider")
  }
  return id
}

/** Medusa's amount (a number, a string or a BigNumber) as a decimal string. */
const decimal = (amount: BigNumberInput): string => MathBN.convert(amount).toString()
