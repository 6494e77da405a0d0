import type { GatewayPaymentState } from "../../providers/types"
import { compare, describeDrift, medusaStatus, PaymentWithMoney } from "../payment-drift"

const payment = (over: Partial<PaymentWithMoney> = {}): PaymentWithMoney => ({
  id: "pay_1", provider_id: "pp_sandbox-gateway_gateway", data: { id: "sbx_pay_1" }, currency_code: "usd", canceled_at: undefined, payment_collection_id: "pc_1",
  captures: [{ amount: 30 }, { amount: 15 }], refunds: [{ amount: 40 }], ...over,
})
const state = (over: Partial<GatewayPaymentState> = {}): GatewayPaymentState => ({
  paymentId: "sbx_pay_1", status: "partially_refunded", amount: "45.00", capturedAmount: "45.00", refundedAmount: "40.00", currencyCode: "USD", ...over,
})

describe("payment drift: Medusa's view and the comparison", () => {
  it.each<[boolean, string, string, string]>([
    [false, "0", "0", "authorized"],
    [false, "45.00", "0", "captured"],
    [false, "45.00", "0.01", "partially_refunded"],
    [false, "45.00", "45.00", "refunded"],
    [false, "45.00", "46.00", "refunded"],
    [true, "0", "0", "canceled"],
  ])("canceled %s, %s captured and %s refunded: %s", (canceled, captured, refunded, expected) => {
    expect(medusaStatus(canceled, captured, refunded)).toBe(expected)
  })

  it("finds no disagreement when the gateway says what Medusa says (currency case and decimals aside)", () => {
    expect(compare(payment(), state({ capturedAmount: "45", refundedAmount: "40.0", currencyCode: "usd" }))).toEqual([])
  })

  it.each<[string, Partial<GatewayPaymentState>, Array<[string, string, string | null]>]>([
    ["more refunded", { refundedAmount: "43.00" }, [["refunded_amount", "40.00", "43.00"]]],
    ["everything refunded", { refundedAmount: "45.00", status: "refunded" }, [["refunded_amount", "40.00", "45.00"], ["status", "partially_refunded", "refunded"]]],
    ["less captured", { capturedAmount: "40.00" }, [["captured_amount", "45.00", "40.00"]]],
    ["another currency", { currencyCode: "EUR" }, [["currency", "USD", "EUR"]]],
  ])("%s", (_, gateway, expected) => {
    expect(compare(payment(), state(gateway)).map((d) => [d.field, d.medusa, d.gateway])).toEqual(expected)
  })

  it("keeps a currency's precision: JPY without decimals, KWD with three", () => {
    expect(compare(payment({ currency_code: "jpy", captures: [{ amount: 1200 }], refunds: [] }), state({ status: "captured", capturedAmount: "1000", refundedAmount: "0", currencyCode: "JPY" })))
      .toEqual([{ field: "captured_amount", medusa: "1200", gateway: "1000" }])
    expect(compare(payment({ currency_code: "kwd", captures: [{ amount: 4.75 }], refunds: [] }), state({ status: "captured", capturedAmount: "4.7", refundedAmount: "0", currencyCode: "KWD" })))
      .toEqual([{ field: "captured_amount", medusa: "4.750", gateway: "4.700" }])
  })

  it.each<[string, string, string | null, string]>([
    ["refunded_amount", "40.00", "43.00", "Medusa has 40.00 refunded, the gateway 43.00"],
    ["captured_amount", "45.00", "40.00", "Medusa has 45.00 captured, the gateway 40.00"],
    ["currency", "USD", "EUR", "Medusa has the payment in USD, the gateway in EUR"],
    ["status", "partially_refunded", "refunded", "Medusa sees the payment as partially refunded, the gateway as refunded"],
    ["missing_at_gateway", "captured", null, "The gateway does not know payment sbx_pay_1, which Medusa has as captured"],
  ])("says a %s disagreement in words", (field, medusa, gateway, words) => {
    expect(describeDrift({ field, medusa_value: medusa, gateway_value: gateway, gateway_payment_id: "sbx_pay_1" })).toBe(words)
  })
})
