import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import type { ErpDelivery, ErpDeliveryInput } from "../types"
import type { TrytonClient } from "./client"
import { saleLabel, toTrytonDate } from "./mappers"

const SHIPMENT_MODEL = "stock.shipment.out"

const moveSchema = z.object({ id: z.number().int(), quantity: z.number(), state: z.string(), "product.": z.object({ code: z.string().nullable() }).nullable() })
const shipmentSchema = z.object({
  id: z.number().int(),
  number: z.string().nullable(),
  reference: z.string().nullable(),
  state: z.enum(["draft", "waiting", "assigned", "picked", "packed", "done", "cancelled"]),
  warehouse_storage: z.number().int().nullable(),
  warehouse_output: z.number().int().nullable(),
  "outgoing_moves.": z.array(moveSchema),
  "inventory_moves.": z.array(moveSchema),
})
type Shipment = z.infer<typeof shipmentSchema>
type Move = z.infer<typeof moveSchema>
const SHIPMENT_FIELDS = [
  "id", "number", "reference", "state", "warehouse_storage", "warehouse_output",
  ...["quantity", "state", "product.code"].flatMap((f) => [`outgoing_moves.${f}`, `inventory_moves.${f}`]),
]

/** Shipments the warehouse has not started on: their lines may still be split. */
const OPEN = new Set<Shipment["state"]>(["draft", "waiting", "assigned"])
/** Where a shipment of ours goes on from, to done (the warehouse keeps inventory moves, or not). */
const STEPS_AFTER: Record<"two-step" | "one-step", Partial<Record<Shipment["state"], string[]>>> = {
  "two-step": { waiting: ["assign_force", "pick", "pack", "done"], assigned: ["pick", "pack", "done"], picked: ["pack", "done"], packed: ["done"] },
  "one-step": { waiting: ["pack", "done"], packed: ["done"] },
}

/**
 * Deliveries Medusa made: the lines of a fulfillment leave through the sale's customer shipment
 * (`stock.shipment.out`), which Tryton 6.0 cannot split once the warehouse starts on it. So, while it waits, the
 * shipment takes our reference, its moves are cut to the lines shipped (the inventory moves where the warehouse
 * picks from storage, else the outgoing ones) and it is assigned, picked, packed and done. Tryton's sale then plans
 * a new shipment for what is left, as for any partial shipment. A run stopped half-way goes on from the state its
 * shipment reached: it is found by its reference.
 */
export class TrytonDeliveries {
  constructor(private readonly client: TrytonClient, private readonly connectionId: string) {}

  async recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    const sale = z.object({ id: z.number().int(), number: z.string().nullable(), state: z.string(), shipments: z.array(z.number().int()) }).parse(
      (await this.client.model<unknown[]>("sale.sale", "read", [[Number(input.saleExternalId)], ["id", "number", "state", "shipments"]]))[0]
    )
    const shipments = sale.shipments.length ? z.array(shipmentSchema).parse(await this.client.model<unknown[]>(SHIPMENT_MODEL, "read", [sale.shipments, SHIPMENT_FIELDS])) : []
    const ours = shipments.filter((s) => s.reference === input.reference && s.state !== "cancelled")
    if (ours.length && ours.every((s) => s.state === "done")) return { shipments: ours.map(toRef), created: false }
    const plan = this.allocate(input, sale, shipments, ours)
    for (const [shipment, lines] of plan) await this.ship(shipment, lines, input)
    return { shipments: [...plan.keys()].map(toRef), created: true }
  }

  /**
   * Which shipment moves which units, SKU by SKU: ours not yet done first (a run that stopped), then the open ones
   * in Tryton's order; less what ours already moved. Refused in words when the open shipments hold too little.
   */
  private allocate(input: ErpDeliveryInput, sale: { id: number; number: string | null; state: string }, shipments: Shipment[], ours: Shipment[]): Map<Shipment, Map<string, number>> {
    const wanted = new Map(sumBySku(input.lines).map((l) => [l.sku, l.quantity]))
    for (const s of ours.filter((o) => o.state === "done")) for (const m of s["outgoing_moves."]) subtract(wanted, m)
    const candidates = [...ours.filter((s) => s.state !== "done"), ...shipments.filter((s) => OPEN.has(s.state) && s.reference !== input.reference && !s.reference?.startsWith("medusa:"))]
    if (!candidates.length && !shipments.length) {
      throw new IntegrationError(`Tryton has not planned the shipment of sale ${saleLabel(sale)} (order #${input.orderNumber}) yet: the fulfillment is recorded once the sale is processed (will retry)`, {
        connectionId: this.connectionId, code: "tryton_shipment_not_planned", retryable: true,
      })
    }
    const plan = new Map<Shipment, Map<string, number>>()
    for (const [sku, units] of wanted) {
      let left = units
      for (const s of candidates) {
        if (left <= 0) break
        // A shipment of ours that is picked already carries what it carries: what it holds is what it moves.
        const held = s["outgoing_moves."].filter((m) => m.state !== "cancelled" && m["product."]?.code === sku).reduce((n, m) => n + m.quantity, 0)
        const take = Math.min(left, held)
        if (take <= 0) continue
        plan.set(s, (plan.get(s) ?? new Map<string, number>()).set(sku, take))
        left -= take
      }
      if (left > 0) {
        const busy = shipments.filter((s) => ["picked", "packed"].includes(s.state) && s.reference !== input.reference).map((s) => `#${s.number ?? s.id} is ${s.state}`)
        throw new IntegrationError(
          `Cannot record fulfillment ${input.reference} of order #${input.orderNumber} in Tryton: it shipped ${sku} ×${units}, but the waiting shipments of sale ${saleLabel(sale)} hold only ${units - left}` +
            `${busy.length ? ` (shipment ${busy.join(", ")} in Tryton's warehouse)` : " (the rest was shipped or cancelled in Tryton)"}. Put the sale's shipments right in Tryton, then mark this record resolved.`,
          { connectionId: this.connectionId, code: "tryton_delivery_mismatch", retryable: false }
        )
      }
    }
    return plan
  }

  /** Takes the shipment from the state it is in to done, moving exactly `lines`. */
  private async ship(shipment: Shipment, lines: Map<string, number>, input: ErpDeliveryInput): Promise<void> {
    const twoStep = shipment.warehouse_storage !== shipment.warehouse_output
    let state = shipment.state
    if (shipment.reference !== input.reference) {
      // Back to waiting (an assigned shipment gives up its reservations; a draft one gets its inventory moves).
      if (state !== "waiting") await this.client.model(SHIPMENT_MODEL, "wait", [[shipment.id]])
      await this.client.model(SHIPMENT_MODEL, "write", [[shipment.id], { reference: input.reference, effective_date: toTrytonDate(input.date) }])
      state = "waiting"
    }
    if (state === "waiting") {
      const [now] = z.array(shipmentSchema).parse(await this.client.model<unknown[]>(SHIPMENT_MODEL, "read", [[shipment.id], SHIPMENT_FIELDS]))
      await this.cut(twoStep ? now["inventory_moves."] : now["outgoing_moves."], lines)
    }
    for (const button of STEPS_AFTER[twoStep ? "two-step" : "one-step"][state] ?? []) await this.client.model(SHIPMENT_MODEL, button, [[shipment.id]])
  }

  /** The draft moves cut to `lines`: each SKU's units on its first moves, the others deleted (Tryton plans them again). */
  private async cut(moves: Move[], lines: Map<string, number>): Promise<void> {
    const left = new Map(lines)
    const remove: number[] = []
    for (const m of moves.filter((mv) => mv.state !== "cancelled")) {
      const sku = m["product."]?.code ?? ""
      const take = Math.min(left.get(sku) ?? 0, m.quantity)
      if (take <= 0) remove.push(m.id)
      else if (take !== m.quantity) await this.client.model("stock.move", "write", [[m.id], { quantity: take }])
      left.set(sku, (left.get(sku) ?? 0) - take)
    }
    if (remove.length) await this.client.model("stock.move", "delete", [remove])
  }
}

const toRef = (s: Shipment) => ({ externalId: String(s.id), number: s.number })

function subtract(wanted: Map<string, number>, move: Move): void {
  const sku = move["product."]?.code
  if (sku && wanted.has(sku)) wanted.set(sku, Math.max(0, wanted.get(sku)! - move.quantity))
}
