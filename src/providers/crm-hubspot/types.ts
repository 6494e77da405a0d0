import { z } from "@medusajs/framework/zod"

const propertyName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a HubSpot internal property name (lower case, digits, underscores)")

export const hubSpotOptionsSchema = z.object({
  /**
   * A private app's access token (pat-…) with the scopes crm.objects.contacts.read/write, crm.objects.companies.read/write,
   * crm.objects.deals.read/write, crm.objects.line_items.read/write, crm.schemas.contacts.write and crm.schemas.deals.write
   * (the custom properties below). Never logged.
   */
  accessToken: z.string().regex(/^pat-[a-z0-9]+-[A-Za-z0-9-]+$/, "must be a HubSpot private app access token (pat-…)"),
  /** Base URL of the API; HubSpot's own unless testing. */
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://api.hubapi.com"),
  /** The contact property that holds our stable customer id (unique; created when missing). */
  customerIdProperty: propertyName.default("medusa_customer_id"),
  /** The contact property that flags a guest checkout (a checkbox; created when missing). */
  guestProperty: propertyName.default("medusa_guest"),
  /** The deal property that holds our stable order reference (unique; created when missing). */
  orderIdProperty: propertyName.default("medusa_order_id"),
  /** The deal pipeline orders go to, and the stage of each order state (HubSpot's default pipeline by default). */
  pipeline: z.string().min(1).default("default"),
  dealStages: z.strictObject({
    placed: z.string().min(1).default("closedwon"),
    canceled: z.string().min(1).default("closedlost"),
    refunded: z.string().min(1).default("closedlost"),
  }).prefault({}),
  /** The portal id, for links to the records in HubSpot (app.hubspot.com/contacts/<portal>/…); no links without it. */
  portalId: z.string().regex(/^\d+$/, "must be the HubSpot account's portal id (digits)").optional(),
})
export type HubSpotOptions = z.output<typeof hubSpotOptionsSchema>

/** A CRM object as HubSpot answers it (the properties asked for; values are strings or null). */
export const objectSchema = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()).default({}), updatedAt: z.string().optional() })
export type HubSpotObject = z.output<typeof objectSchema>

export const propertySchema = z.object({ name: z.string() }).passthrough()

export const searchSchema = z.object({ total: z.number().int(), results: z.array(objectSchema), paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional() })

export const batchSchema = z.object({ results: z.array(objectSchema) })

/** A batch upsert's answer: each object says whether the upsert created it. */
export const upsertBatchSchema = z.object({ results: z.array(objectSchema.extend({ new: z.boolean() })) })

/** HubSpot's error body: `{ status: "error", message, category, correlationId }`. */
export const errorBodySchema = z.object({ message: z.string(), category: z.string().optional() })

/** HubSpot's association types between its standard objects (HUBSPOT_DEFINED). */
export const ASSOCIATION = { contactToCompany: 279, dealToContact: 3, lineItemToDeal: 20 } as const
