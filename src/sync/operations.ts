import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { SyncSkipped } from "../lib/errors"
import type { ConnectionKind } from "../providers/types"
import { cancelOrderInErpWorkflow } from "../workflows/cancel-order-in-erp"
import { ORDER_FIELDS_FOR_PAYMENTS, recordPaymentsInErpWorkflow } from "../workflows/record-payments-in-erp"
import { ORDER_FIELDS_FOR_REFUNDS, recordRefundsInErpWorkflow } from "../workflows/record-refunds-in-erp"
import type { EffectOutcome } from "../workflows/outcome"
import { orderReference, OrderForErp } from "../workflows/sync-order-to-erp/order-mapper"
import { ORDER_FIELDS_FOR_ERP, syncOrderToErpWorkflow } from "../workflows/sync-order-to-erp"
import { Corrections, EditableField, editableOrderFields, isEditableOrderField, isPersonalOrderField } from "../workflows/sync-order-to-erp/corrections"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createShipmentLabelsWorkflow } from "../workflows/create-shipment-labels"
import { applyInboundEvent } from "./inbound"
import { syncCustomerToCrmWorkflow } from "../workflows/sync-customer-to-crm"
import { ContactBaseline, contactEffectKey, contactFieldRules, crmOwnedFields, sharedFields } from "../workflows/sync-customer-to-crm/contact"
import { syncOrderToCrmWorkflow } from "../workflows/sync-order-to-crm"
import { dealReference } from "../workflows/sync-order-to-crm/deal"
import { reviseErpSaleWorkflow } from "../workflows/revise-erp-sale"
import { contactRevisions, dealRevisions, hubFulfillmentsOf, isHubFulfillment, labelRevisions, moneyRevision, oneOf, receivedGoodsRevisions, saleContentRevisions } from "./revisions"
import { recordReturnsInErpWorkflow } from "../workflows/record-returns-in-erp"
import { describeFailure, IntegrationError } from "../lib/errors"
import { hubOf } from "./hub"
import { importInventory } from "./inventory-import"
import { contactImportConnections, importContacts } from "./contact-import"
import { importErpShipments } from "./erp-shipments"
import { returnLabelsOperation } from "./return-label-operation"
import { exchangesOperation } from "./exchange-operation"
import { deliveriesOperation } from "./delivery-operation"
import { ConnectionConfig, inventoryOwner, timeZoneOf } from "../modules/integration-hub/options"

export type OperationRun = {
  sync_record_id: string
  connection_id: string
  entity_id: string
  /** The connection is in shadow mode: validate and report, change nothing outside. */
  shadow: boolean
  /** Staff's corrections to the data this record sends (edit-and-retry). */
  corrections: Corrections | null
}

/** What a run hands back: the outcome, or the errors of a failed workflow. */
export type OperationResult = { result?: EffectOutcome; errors?: Array<{ error: unknown }> }

/** A kind of effect: which connections get it, how it is keyed, which workflow carries it out. */
export type SyncOperation = {
  kind: ConnectionKind
  /** The effect's stable key on a connection, unique per connection. */
  effectKey: (entityId: string) => string
  externalRef: (entityId: string) => string | null
  /** What the external id of its record names in the other system (e.g. "invoice"); the entity type when absent. */
  externalType?: string
  /** Hash of what would be sent, for effects that repeat when their content changes; absent for once-only effects. */
  revision?: (container: MedusaContainer, entityId: string) => Promise<string>
  /** The same revisions for many entities in one read (a page of the catch-up sweep). */
  revisions?: (container: MedusaContainer, entityIds: string[]) => Promise<Map<string, string>>
  run: (container: MedusaContainer, input: OperationRun) => Promise<OperationResult>
  /**
   * Its provider call can serve many records at once (a CRM's batch upsert): the sweep and the retry drain run its
   * pending records side by side in one batch group (lib/batch-group), so a backlog goes out in batch calls.
   */
  batchable?: boolean
  /** The connections of its kind the effect concerns, when not all of them (e.g. the carrier chosen at checkout). */
  connectionsFor?: (container: MedusaContainer, entityId: string) => Promise<string[]>
  /** Which connections of its kind the effect is for at all (by their options), on events and in the sweep alike; all when absent. */
  serves?: (connection: ConnectionConfig) => boolean
  /**
   * How the catch-up sweep finds entities that should have this effect (read with query.graph): `entity` rows
   * changed since the last sweep that `wants`; `entityId` when the effect is about another entity than the row
   * (a fulfillment's order), `connections` when it concerns some connections of its kind only.
   */
  sweep?: {
    entity: string
    fields: string[]
    wants: (row: Record<string, unknown>) => boolean
    entityId?: (row: Record<string, unknown>) => string
    connections?: (row: Record<string, unknown>) => string[]
  }
  /** Edit-and-retry: which fields of the data staff may correct for this effect, and what they hold now. */
  corrections?: {
    isEditable: (field: string) => boolean
    /** The audit log keeps only the field name of a personal one, never its value. */
    isPersonal: (field: string) => boolean
    fields: (container: MedusaContainer, entityId: string, corrections: Corrections | null) => Promise<EditableField[]>
  }
}

/** Staff may correct the order's data its sale is made from: for its create, and for an edit's replacement sale. */
const orderCorrections: SyncOperation["corrections"] = {
  isEditable: isEditableOrderField,
  isPersonal: isPersonalOrderField,
  fields: async (container, orderId, corrections) => {
    const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: orderId } })
    return data[0] ? editableOrderFields(data[0] as unknown as OrderForErp, corrections) : []
  },
}

const placedOrder = { entity: "order", fields: ["id", "status"], wants: (o: Record<string, unknown>) => o.status !== "draft" }

/**
 * Every outbound effect the hub knows, by "<entity_type>.<operation>". Adding a flow is its workflow plus
 * one entry here (and a subscriber that calls `requestEffect`).
 */
export const SYNC_OPERATIONS: Readonly<Record<string, SyncOperation>> = Object.freeze({
  "order.create": {
    kind: "erp",
    effectKey: (id) => `order:${id}:create`,
    externalRef: orderReference,
    run: (container, i) =>
      syncOrderToErpWorkflow(container).run({
        input: { connection_id: i.connection_id, order_id: i.entity_id, shadow: i.shadow, corrections: i.corrections },
        throwOnError: false,
      }),
    sweep: placedOrder,
    corrections: orderCorrections,
  },
  "order.edit": {
    kind: "erp",
    effectKey: (id) => `order:${id}:edit`,
    externalRef: () => null,
    externalType: "sale",
    // Each edit (items, quantities, shipping, e-mail, addresses) is new content: the effect runs again and the sale follows.
    revision: oneOf(saleContentRevisions),
    revisions: saleContentRevisions,
    // An edit whose event was lost: Medusa's confirmed order changes (edits and updates) say which orders to look at.
    sweep: {
      entity: "order_change",
      fields: ["change_type", "status", "order_id"],
      wants: (c) => ["edit", "update_order"].includes(String(c.change_type)) && c.status === "confirmed" && typeof c.order_id === "string",
      entityId: (c) => String(c.order_id),
    },
    corrections: orderCorrections,
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the edit was not sent", "shadow") }] }
        : inWordsOfTheEdit(
            i,
            await reviseErpSaleWorkflow(container).run({
              input: { connection_id: i.connection_id, order_id: i.entity_id, sync_record_id: i.sync_record_id, corrections: i.corrections },
              throwOnError: false,
            })
          ),
  },
  "order.cancel": {
    kind: "erp",
    effectKey: (id) => `order:${id}:cancel`,
    externalRef: orderReference,
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the cancel was not sent", "shadow") }] }
        : cancelOrderInErpWorkflow(container).run({
            input: { connection_id: i.connection_id, order_id: i.entity_id },
            throwOnError: false,
          }),
    sweep: { ...placedOrder, wants: (o) => o.status === "canceled" },
  },
  "order.record-payments": {
    kind: "erp",
    effectKey: (id) => `order:${id}:payments`,
    externalRef: () => null,
    externalType: "invoice",
    // A new capture (a second partial capture) is new content: the effect runs again and registers it.
    revision: (container, orderId) => moneyRevision(container, orderId, ORDER_FIELDS_FOR_PAYMENTS, "captures"),
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the payments were not sent", "shadow") }] }
        : recordPaymentsInErpWorkflow(container).run({ input: datedInput(container, i), throwOnError: false }),
  },
  "order.record-refunds": {
    kind: "erp",
    effectKey: (id) => `order:${id}:refunds`,
    externalRef: () => null,
    externalType: "invoice",
    revision: (container, orderId) => moneyRevision(container, orderId, ORDER_FIELDS_FOR_REFUNDS, "refunds"),
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the refunds were not sent", "shadow") }] }
        : recordRefundsInErpWorkflow(container).run({ input: datedInput(container, i), throwOnError: false }),
  },
  "order.returns": {
    kind: "erp",
    effectKey: (id) => `order:${id}:returns`,
    externalRef: () => null,
    externalType: "return",
    // Each receipt (goods received into Medusa) is new content: the effect runs again and the ERP takes them back.
    revision: oneOf(receivedGoodsRevisions),
    revisions: receivedGoodsRevisions,
    // A receipt whose event was lost: the returns Medusa received say which orders to look at.
    sweep: {
      entity: "return",
      fields: ["status", "order_id"],
      wants: (r) => ["received", "partially_received"].includes(String(r.status)) && typeof r.order_id === "string",
      entityId: (r) => String(r.order_id),
    },
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the returned goods were not sent", "shadow") }] }
        : recordReturnsInErpWorkflow(container).run({ input: { ...datedInput(container, i), sync_record_id: i.sync_record_id }, throwOnError: false }),
  },
  "order.ship-labels": {
    kind: "shipping",
    effectKey: (id) => `order:${id}:labels`,
    externalRef: () => null,
    externalType: "label",
    // A new fulfillment, or a cancelled one, is new content: the effect runs again and buys (or voids) its label.
    revision: oneOf(labelRevisions),
    revisions: labelRevisions,
    connectionsFor: async (container, orderId) => [...new Set((await hubFulfillmentsOf(container, orderId)).map((f) => f.connection_id))],
    // A fulfillment whose event was lost (the process stopped right after it was created) still gets its label.
    sweep: {
      entity: "fulfillment",
      fields: ["provider_id", "data", "metadata", "order.id"],
      wants: (f) => isHubFulfillment(f) && !!(f.order as { id?: string } | null)?.id,
      entityId: (f) => (f.order as { id: string }).id,
      connections: (f) => [String((f.data as { connection_id: string }).connection_id)],
    },
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: no label was bought", "shadow") }] }
        : createShipmentLabelsWorkflow(container).run({ input: { connection_id: i.connection_id, order_id: i.entity_id }, throwOnError: false }),
  },
  "order.return-labels": returnLabelsOperation,
  "order.exchanges": exchangesOperation,
  "order.deliveries": deliveriesOperation,
  "customer.contact": {
    kind: "crm",
    effectKey: contactEffectKey,
    externalRef: (id) => `medusa:${id}`,
    externalType: "contact",
    // A changed name, phone, e-mail or company is new content: the effect runs again and sends what changed.
    revision: oneOf(contactRevisions),
    revisions: contactRevisions,
    sweep: { entity: "customer", fields: ["id"], wants: () => true },
    batchable: true,
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the contact was not sent", "shadow") }] }
        : syncCustomerToCrmWorkflow(container).run({
            input: await contactSyncInput(container, i),
            throwOnError: false,
          }),
  },
  "order.deal": {
    kind: "crm",
    effectKey: (id) => `order:${id}:deal`,
    externalRef: dealReference,
    externalType: "deal",
    // A cancellation or a refund changes the deal's stage or amount: the effect runs again and moves the same deal.
    revision: oneOf(dealRevisions),
    revisions: dealRevisions,
    sweep: placedOrder,
    run: async (container, i) =>
      i.shadow
        ? { errors: [{ error: new SyncSkipped("shadow mode: the deal was not sent", "shadow") }] }
        : syncOrderToCrmWorkflow(container).run({
            input: {
              connection_id: i.connection_id, order_id: i.entity_id,
              crm_owned: crmOwnedFields(hubOf(container).pluginOptions.sourceOfTruth, i.connection_id), shared: sharedFields(hubOf(container).pluginOptions.sourceOfTruth, i.connection_id),
            },
            throwOnError: false,
          }),
  },
  "inventory.import": {
    kind: "erp",
    // One record per connection (entity_id is the connection's id): each request is a new run of the same import.
    effectKey: (connectionId) => `inventory:${connectionId}:import`,
    externalRef: () => null,
    externalType: "stock",
    revision: async () => new Date().toISOString(),
    connectionsFor: async (container, connectionId) => {
      const owner = inventoryOwner(hubOf(container).pluginOptions)
      return owner?.id === connectionId ? [owner.id] : []
    },
    run: importInventory,
  },
  "shipments.import": {
    kind: "erp",
    // One record per shipping ERP (entity_id is the connection's id): each look for completed shipments is a run of it.
    effectKey: (connectionId) => `shipments:${connectionId}:import`,
    externalRef: () => null,
    externalType: "shipment",
    revision: async () => new Date().toISOString(),
    connectionsFor: async (container, connectionId) => (hubOf(container).findConnection(connectionId)?.fulfilment === "erp" ? [connectionId] : []),
    // Called, not referenced: erp-shipments.ts reaches back into the engine, which loads this module.
    run: (container, run) => importErpShipments(container, run),
  },
  "customer.import": {
    kind: "crm",
    // One record per CRM connection (entity_id is the connection's id): each look for changed contacts is a run of it.
    effectKey: (connectionId) => `customers:${connectionId}:import`,
    externalRef: () => null,
    externalType: "contact",
    revision: async () => new Date().toISOString(),
    // Called, not referenced: contact-import.ts reaches back into the engine, which loads this module.
    connectionsFor: (container, connectionId) => contactImportConnections(container, connectionId),
    run: (container, run) => importContacts(container, run),
  },
})

/** Operations added beside the built-in ones (tests, a store's own flows): never in place of one. */
const added = new Map<string, SyncOperation>()

/**
 * Adds operations by "<entity_type>.<operation>" name; returns what removes them again. A built-in name is refused:
 * the hub's own effects cannot be replaced from outside.
 */
export function addSyncOperations(ops: Record<string, SyncOperation>): () => void {
  for (const name of Object.keys(ops)) {
    if (name in SYNC_OPERATIONS || added.has(name)) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Sync operation "${name}" exists already`)
  }
  for (const [name, op] of Object.entries(ops)) added.set(name, op)
  return () => Object.keys(ops).forEach((name) => added.delete(name))
}

/** The operation of this name, built-in or added; undefined when none. */
export const findSyncOperation = (name: string): SyncOperation | undefined => SYNC_OPERATIONS[name] ?? added.get(name)

/** Every operation, built-in and added, by name. */
export const allSyncOperations = (): Array<[string, SyncOperation]> => [...Object.entries(SYNC_OPERATIONS), ...added]

/** What a customer's contact sync needs: the field rules of the connection and the contact's baseline. */
async function contactSyncInput(container: MedusaContainer, i: OperationRun) {
  const { sourceOfTruth } = hubOf(container).pluginOptions
  const record = await hubOf(container).retrieveSyncRecord(i.sync_record_id)
  return {
    connection_id: i.connection_id, customer_id: i.entity_id,
    crm_owned: crmOwnedFields(sourceOfTruth, i.connection_id), shared: sharedFields(sourceOfTruth, i.connection_id),
    rules: contactFieldRules(sourceOfTruth, i.connection_id), baseline: (record.baseline as ContactBaseline | null) ?? null,
  }
}

/**
 * A failed edit says it was an edit the ERP did not follow, then why (a permanent refusal stays permanent: the ERP's
 * words tell staff what to do there); a skip or a retryable failure is kept as it is.
 */
function inWordsOfTheEdit(i: OperationRun, run: OperationResult): OperationResult {
  if (!run.errors?.length) return run
  // As the orchestrator hands it back: a live error or its serialized form.
  const failure = describeFailure(run.errors[0].error)
  if (failure.skip || failure.retryable) return run
  return {
    errors: [{ error: new IntegrationError(`The order was edited in Medusa, but ${i.connection_id} did not follow: ${failure.message}`, { connectionId: i.connection_id, code: failure.code, retryable: false, cause: run.errors[0].error }) }],
  }
}

/** What a dated workflow (money, returns) needs: the order, the connection, and the zone whose calendar dates the ERP books. */
function datedInput(container: MedusaContainer, i: OperationRun) {
  const hub = hubOf(container)
  return { connection_id: i.connection_id, order_id: i.entity_id, time_zone: timeZoneOf(hub.pluginOptions, hub.getConnection(i.connection_id)) }
}

export function syncOperation(entityType: string, operation: string): SyncOperation {
  const op = findSyncOperation(`${entityType}.${operation}`)
  if (!op) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `No sync operation "${entityType}.${operation}" is defined in this version of medusa-integration-hub (was the plugin downgraded?); the record cannot run`
    )
  }
  return op
}

/** How a claimed record runs: an outbound operation, or the inbound event application. */
export function runnerFor(record: { direction: "in" | "out"; entity_type: string; operation: string }) {
  if (record.direction === "in") return applyInboundEvent
  return syncOperation(record.entity_type, record.operation).run
}
