import { IntegrationError } from "../../lib/errors"
import { CIRCUIT_OPEN } from "../../lib/http/circuit-breaker"
import type { ErpProvider, ErpSaleDetail } from "../../providers/types"
import { readSales, Unreadable } from "../read-sales"

const detail = (id: string): ErpSaleDetail => ({ externalId: id, number: `SO${id}`, reference: `medusa:order_${id}`, state: "confirmed", total: "45.00", currencyCode: "USD", lines: [{ sku: "SHIRT-BLUE", quantity: 2 }] })
const refused = (id: string) => new IntegrationError(`Tryton refused to read sale ${id}`, { connectionId: "erp", code: "tryton_user_error", retryable: false })
const wanted = (...ids: string[]) => ids.map((id) => ({ externalId: id, number: `SO${id}` }))

/** An ERP of sales "1".."3" ("3" deleted) that reads them one at a time and, with `batch`, many at once; it fails reading `failing`. */
function erpWith(opts: { batch: boolean; failing?: string; error?: (id: string) => Error }) {
  const calls: string[] = []
  const fail = (id: string) => (opts.error ?? refused)(id)
  const erp = {
    getSalesOrder: async (id: string) => {
      calls.push(`one ${id}`)
      if (id === opts.failing) throw fail(id)
      return id === "3" ? null : detail(id)
    },
    ...(opts.batch
      ? {
          getSalesOrders: async (ids: string[]) => {
            calls.push(`many ${ids.join(",")}`)
            if (opts.failing && ids.includes(opts.failing)) throw fail(opts.failing)
            return new Map(ids.filter((id) => id !== "3").map((id) => [id, detail(id)]))
          },
        }
      : {}),
  } as unknown as ErpProvider
  return { erp, calls }
}

describe("readSales (reconciliation's reads of a page of sales)", () => {
  it("reads a page in one call where the provider can; a sale the ERP no longer has is null", async () => {
    const { erp, calls } = erpWith({ batch: true })
    const read = await readSales(erp, wanted("1", "2", "3"))
    expect(calls).toEqual(["many 1,2,3"])
    expect([...read]).toEqual([["1", detail("1")], ["2", detail("2")], ["3", null]])
  })

  it("reads a failing page again one sale at a time: only the failing sale is unreadable, in the ERP's words", async () => {
    const { erp, calls } = erpWith({ batch: true, failing: "2" })
    const read = await readSales(erp, wanted("1", "2", "3"))
    expect(calls).toEqual(["many 1,2,3", "one 1", "one 2", "one 3"])
    expect([...read]).toEqual([["1", detail("1")], ["2", new Unreadable("Tryton refused to read sale 2")], ["3", null]])
  })

  it("reads one at a time where the provider has no batch read", async () => {
    const { erp, calls } = erpWith({ batch: false, failing: "1" })
    const read = await readSales(erp, wanted("1", "2"))
    expect(calls).toEqual(["one 1", "one 2"])
    expect(read.get("1")).toEqual(new Unreadable("Tryton refused to read sale 1"))
    expect(read.get("2")).toEqual(detail("2"))
  })

  it("fails when the connection's circuit is open: the ERP is not answering, and a report of it would say nothing", async () => {
    const open = () => new IntegrationError("erp is failing: calls paused for 30 s", { connectionId: "erp", code: CIRCUIT_OPEN, retryable: true })
    const { erp, calls } = erpWith({ batch: true, failing: "1", error: open })
    await expect(readSales(erp, wanted("1", "2"))).rejects.toThrow("erp is failing: calls paused for 30 s")
    expect(calls).toEqual(["many 1,2"])
  })

  it("without any read, says the sale exists and gives nothing to compare; no call for an empty page", async () => {
    const erp = {} as ErpProvider
    expect((await readSales(erp, wanted("7"))).get("7")).toEqual({ externalId: "7", number: "SO7", reference: "", state: "confirmed", total: null, currencyCode: null, lines: [] })
    const { erp: counted, calls } = erpWith({ batch: true })
    expect((await readSales(counted, [])).size).toBe(0)
    expect(calls).toEqual([])
  })
})
