import { z } from "@medusajs/framework/zod"

const propertyName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a HubSpot internal property name (lower case, digits, underscores)")

/** The scopes the adapter needs: its objects read and written, and the custom properties it creates. */
export const HUBSPOT_SCOPES: readonly string[] = [
  "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read", "crm.objects.companies.write",
  "crm.objects.deals.read", "crm.objects.deals.write", "crm.objects.line_items.read", "crm.objects.line_items.write",
  "crm.schemas.contacts.write", "crm.schemas.deals.write",
]

/** A public app's OAuth 2 settings; the tokens themselves are kept by the hub once the connection is connected from the admin. */
export const hubSpotOAuthSchema = z.object({
  /** The app's client id (HubSpot app → Auth). */
  clientId: z.string().min(1).meta({ title: "Client id", description: "The HubSpot app's client id (the app's Auth settings)." }),
  /** The app's client secret. Never logged. */
  clientSecret: z.string().min(1).meta({ title: "Client secret", description: "The HubSpot app's client secret (the app's Auth settings). Never logged.", secret: true }),
  /** The scopes asked for on the authorize page; they must be the app's required scopes. */
  scopes: z.array(z.string().regex(/^[a-z0-9._-]+$/i, "must be a HubSpot scope name, e.g. crm.objects.contacts.read")).min(1).default(() => [...HUBSPOT_SCOPES])
    .meta({ title: "Scopes", description: "The scopes asked for when connecting; they must match the app's required scopes. The adapter needs the CRM objects it writes and the contact and deal schemas." }),
  /**
   * Base URL of the OAuth API (POST /oauth/2026-03/token exchanges and refreshes tokens); HubSpot's own unless testing.
   * Not "tokenBaseUrl": a name with "token" in it is taken for a secret (masked in logs and in the admin's form).
   */
  apiBaseUrl: z.url({ protocol: /^https?$/ }).default("https://api.hubapi.com").meta({ title: "OAuth API base URL", description: "Where tokens are exchanged and refreshed (/oauth/2026-03/token); HubSpot's own unless testing." }),
  /** HubSpot's authorize page, where staff approve the app. */
  authorizeUrl: z.url({ protocol: /^https?$/ }).default("https://app.hubspot.com/oauth/authorize").meta({ title: "Authorize page", description: "HubSpot's page where a super admin approves the app; HubSpot's own unless testing." }),
})
export type HubSpotOAuthOptions = z.output<typeof hubSpotOAuthSchema>

export const hubSpotOptionsSchema = z.object({
  /**
   * A private app's access token (pat-…) with the scopes crm.objects.contacts.read/write, crm.objects.companies.read/write,
   * crm.objects.deals.read/write, crm.objects.line_items.read/write, crm.schemas.contacts.write and crm.schemas.deals.write
   * (the custom properties below). Never logged. Either this or `oauth`.
   */
  accessToken: z.string().regex(/^pat-[a-z0-9]+-[A-Za-z0-9-]+$/, "must be a HubSpot private app access token (pat-…)").optional()
    .meta({ title: "Private app access token", description: "A private app's token (pat-…) with the CRM object and schema scopes the README lists. Either this or OAuth. Never logged.", secret: true }),
  /** A public app's OAuth 2 settings instead of a private app token: the connection is then connected from the admin. */
  oauth: hubSpotOAuthSchema.optional()
    .meta({ title: "OAuth (public app)", description: "A public app instead of a private app token: set its client id and secret, then connect HubSpot from the admin (Integrations → the connection)." }),
  /** Base URL of the API; HubSpot's own unless testing. */
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://api.hubapi.com").meta({ title: "API base URL", description: "HubSpot's own unless testing." }),
  /** The contact property that holds our stable customer id (unique; created when missing). */
  customerIdProperty: propertyName.default("medusa_customer_id").meta({ title: "Customer id property", description: "The contact property holding our customer id (unique; created when missing)." }),
  /** The contact property that flags a guest checkout (a checkbox; created when missing). */
  guestProperty: propertyName.default("medusa_guest").meta({ title: "Guest property", description: "The contact checkbox property flagging a guest checkout (created when missing)." }),
  /** The deal property that holds our stable order reference (unique; created when missing). */
  orderIdProperty: propertyName.default("medusa_order_id").meta({ title: "Order id property", description: "The deal property holding our order reference (unique; created when missing)." }),
  /** The deal pipeline orders go to, and the stage of each order state (HubSpot's default pipeline by default). */
  pipeline: z.string().min(1).default("default").meta({ title: "Deal pipeline", description: "The pipeline orders' deals go to (HubSpot's default pipeline by default)." }),
  dealStages: z.strictObject({
    placed: z.string().min(1).default("closedwon").meta({ title: "Stage of a placed order", description: "The deal stage id of a placed order." }),
    canceled: z.string().min(1).default("closedlost").meta({ title: "Stage of a canceled order", description: "The deal stage id of a canceled order." }),
    refunded: z.string().min(1).default("closedlost").meta({ title: "Stage of a refunded order", description: "The deal stage id of a refunded order." }),
  }).prefault({}).meta({ title: "Deal stages", description: "The pipeline's stage id for each order state." }),
  /** The portal id, for links to the records in HubSpot (app.hubspot.com/contacts/<portal>/…); no links without it. */
  portalId: z.string().regex(/^\d+$/, "must be the HubSpot account's portal id (digits)").optional()
    .meta({ title: "Portal id", description: "The HubSpot account's id, for links to its records; no links without it." }),
}).superRefine((o, ctx) => {
  // Exactly one way to authenticate, named in the message so the fix is obvious.
  if (!o.accessToken && !o.oauth) {
    ctx.addIssue({ code: "custom", path: ["accessToken"], message: "is required unless oauth is set: set either accessToken (a HubSpot private app token) or oauth (a public app's clientId and clientSecret)" })
  } else if (o.accessToken && o.oauth) {
    ctx.addIssue({ code: "custom", path: ["oauth"], message: "cannot be set together with accessToken: set either accessToken (a private app token) or oauth (a public app), not both" })
  }
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
