import type { GatewayRefund } from "../../../providers/types"
import { MedusaRefund, planGatewayRefunds } from "../plan"

const g = (id: string, amount: string, minute: number, status: GatewayRefund["status"] = "succeeded"): GatewayRefund => ({ id, amount, status, created_at: `2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z` })
const m = (id: string, amount: string, minute: number, gateway_refund_id: string | null = null): MedusaRefund => ({ id, amount, created_at: `2026-12-01T10:${String(minute).padStart(2, "0")}:30.000Z`, gateway_refund_id })

describe("which gateway refunds Medusa lacks", () => {
  it("records every refund made at the gateway when Medusa has none", () => {
    expect(planGatewayRefunds([g("re_1", "10.00", 1), g("re_2", "5.00", 2)], [], null)).toEqual({ record: [g("re_1", "10.00", 1), g("re_2", "5.00", 2)], known: 0, unsettled: 0, awaiting: null })
  })

  it("records nothing twice: a refund the hub recorded carries the gateway's id", () => {
    const plan = planGatewayRefunds([g("re_1", "10.00", 1), g("re_2", "5.00", 2)], [m("ref_a", "10.00", 1, "re_1")], null)
    expect(plan).toEqual({ record: [g("re_2", "5.00", 2)], known: 1, unsettled: 0, awaiting: null })
  })

  it("takes the refund the event's own API call made as Medusa's, whatever its amount", () => {
    const plan = planGatewayRefunds([g("re_1", "7.00", 1), g("re_2", "5.00", 2)], [m("ref_a", "5.00", 2)], "ref_a")
    expect(plan).toEqual({ record: [g("re_1", "7.00", 1)], known: 1, unsettled: 0, awaiting: null })
  })

  it("waits for Medusa's own refund when the event comes before Medusa saved it", () => {
    expect(planGatewayRefunds([g("re_1", "5.00", 1)], [], "ref_b")).toEqual({ record: [], known: 0, unsettled: 0, awaiting: "ref_b" })
  })

  it("pairs refunds made from Medusa's admin with gateway refunds of the same amount, oldest first", () => {
    const plan = planGatewayRefunds([g("re_1", "5.00", 1), g("re_2", "5.00", 2), g("re_3", "8.00", 3)], [m("ref_a", "5.00", 1)], null)
    expect(plan.record.map((r) => r.id)).toEqual(["re_2", "re_3"])
    expect(plan.known).toBe(1)
  })

  it("leaves refunds the gateway has not completed", () => {
    const plan = planGatewayRefunds([g("re_1", "5.00", 1, "pending"), g("re_2", "3.00", 2, "failed"), g("re_3", "2.00", 3)], [], null)
    expect(plan).toEqual({ record: [g("re_3", "2.00", 3)], known: 0, unsettled: 2, awaiting: null })
  })

  it("gives the same plan for the same data, so a repeated event records nothing", () => {
    const gateway = [g("re_1", "10.00", 1)]
    const first = planGatewayRefunds(gateway, [], null)
    const after = planGatewayRefunds(gateway, first.record.map((r, i) => m(`ref_${i}`, r.amount, 5, r.id)), null)
    expect(after.record).toEqual([])
  })
})
