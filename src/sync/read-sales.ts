import { describeFailure } from "../lib/errors"
import { CIRCUIT_OPEN } from "../lib/http/circuit-breaker"
import type { ErpProvider, ErpSaleDetail } from "../providers/types"

/** A sale the ERP could not read: its error, in the ERP's words. */
export class Unreadable {
  constructor(readonly message: string) {}
}

/** An error of one sale's read, unless the connection as a whole is failing (its circuit is open): that one is thrown. */
export function unreadable(err: unknown): Unreadable {
  const failure = describeFailure(err)
  if (failure.code === CIRCUIT_OPEN) throw err
  return new Unreadable(failure.message)
}

/**
 * The sales as the ERP has them now, by id: null when it no longer has one (deleted), Unreadable when reading it
 * failed. Read in one call where the provider can (getSalesOrders); a failing batch is read again one sale at a time,
 * so that the failure is the failing sale's alone. An open circuit rejects: the ERP is not answering at all. A
 * provider that cannot read sales answers with what the hub knows (the sale exists, nothing to compare).
 */
export async function readSales(erp: ErpProvider, sales: Array<{ externalId: string; number: string | null }>): Promise<Map<string, ErpSaleDetail | Unreadable | null>> {
  const read = new Map<string, ErpSaleDetail | Unreadable | null>()
  if (!sales.length) return read
  if (erp.getSalesOrders) {
    const batch = await erp.getSalesOrders(sales.map((s) => s.externalId)).catch((err: unknown) => unreadable(err))
    if (!(batch instanceof Unreadable)) {
      for (const s of sales) read.set(s.externalId, batch.get(s.externalId) ?? null)
      return read
    }
  }
  for (const s of sales) {
    if (read.has(s.externalId)) continue
    if (!erp.getSalesOrder) {
      read.set(s.externalId, { externalId: s.externalId, number: s.number, reference: "", state: "confirmed", total: null, currencyCode: null, lines: [] })
      continue
    }
    read.set(s.externalId, await erp.getSalesOrder(s.externalId).catch((err: unknown) => unreadable(err)))
  }
  return read
}
