import { z } from "@medusajs/framework/zod"

export const shipStationOptionsSchema = z.object({
  apiKey: z.string().min(1).meta({ title: "API key", description: "ShipStation › Settings › API Keys; sent as the api-key header, never logged.", secret: true }),
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://api.shipstation.com").meta({ title: "API base URL", description: "ShipStation's own unless testing." }),
  carrierIds: z
    .array(z.string().regex(/^se(-[a-z0-9]+)+$/, "is not a ShipStation carrier id (se-…)"))
    .min(1)
    .meta({ title: "Carrier accounts", description: "The carrier accounts (se-… ids, GET /v2/carriers) whose rates checkout offers." }),
  labelFormat: z.enum(["pdf", "png", "zpl"]).default("pdf").meta({ title: "Label format" }),
  labelLayout: z.enum(["4x6", "letter"]).default("4x6").meta({ title: "Label size" }),
  webhookToken: z
    .string()
    .min(16, "must be at least 16 characters")
    .optional()
    .meta({
      title: "Webhook token",
      description: "A secret of yours that ShipStation sends back on every webhook as the header x-integration-hub-token; a delivery without it is refused with 401.",
      secret: true,
    }),
  webhookJwksUrl: z.url({ protocol: /^https?$/ }).default("https://api.shipengine.com/jwks").meta({ title: "Webhook signing keys URL", description: "Where ShipStation publishes the public keys of its RSA-SHA256 webhook signatures." }),
  verifyWebhookSignature: z.boolean().default(true).meta({ title: "Verify webhook signatures", description: "Check ShipStation's RSA-SHA256 signature (x-shipengine-rsa-sha256-* headers) on every webhook." }),
}).refine((o) => o.verifyWebhookSignature || !!o.webhookToken, { message: "is required when verifyWebhookSignature is false (a webhook must be verified somehow)", path: ["webhookToken"] })
export type ShipStationOptions = z.output<typeof shipStationOptionsSchema>

/** An address as ShipStation wants it: all eight fields present and non-empty. */
export type ShipStationAddress = {
  name: string
  phone: string
  company_name?: string
  address_line1: string
  address_line2?: string
  city_locality: string
  state_province: string
  postal_code: string
  country_code: string
  address_residential_indicator: "yes" | "no" | "unknown"
}

const money = z.object({ currency: z.string(), amount: z.number() })

/**
 * What the adapter reads of ShipStation's answers, no stricter than that: fields the adapter does not use are not
 * checked, so a vendor adding or loosening one breaks nothing.
 */
export const rateSchema = z.object({
  rate_id: z.string().optional(),
  carrier_id: z.string(),
  carrier_code: z.string(),
  service_code: z.string(),
  service_type: z.string().nullish(),
  shipping_amount: money,
  insurance_amount: money.nullish(),
  confirmation_amount: money.nullish(),
  other_amount: money.nullish(),
  delivery_days: z.number().int().nullish(),
})
export type ShipStationRate = z.infer<typeof rateSchema>

export const ratesResponseSchema = z.object({
  rate_response: z.object({
    rates: z.array(rateSchema).default([]),
    errors: z.array(z.object({ message: z.string() }).passthrough()).default([]),
  }),
})

export const labelSchema = z.object({
  label_id: z.string(),
  status: z.string(),
  shipment_id: z.string().nullish(),
  tracking_number: z.string(),
  tracking_url: z.string().nullish(),
  carrier_code: z.string(),
  voided: z.boolean().nullish(),
  is_return_label: z.boolean().nullish(),
  label_download: z.object({ href: z.string().nullish(), pdf: z.string().nullish(), png: z.string().nullish(), zpl: z.string().nullish() }).partial().nullish(),
})
export type ShipStationLabel = z.infer<typeof labelSchema>

export const labelListSchema = z.object({ labels: z.array(labelSchema) })

export const shipmentSchema = z.object({ shipment_id: z.string(), shipment_status: z.string().nullish() })

export const voidResponseSchema = z.object({ approved: z.boolean(), message: z.string(), reason_code: z.string().nullish() })

export const trackingSchema = z.object({
  tracking_number: z.string(),
  status_code: z.string().nullish(),
  status_description: z.string().nullish(),
  carrier_status_description: z.string().nullish(),
  actual_delivery_date: z.string().nullish(),
  events: z.array(z.object({ occurred_at: z.string().nullish(), description: z.string().nullish(), status_code: z.string().nullish() }).passthrough()).default([]),
})

/** ShipStation's error body: `errors[]` each with a message; 5xx bodies are empty. */
export const errorBodySchema = z.object({ errors: z.array(z.object({ message: z.string(), error_code: z.string().optional(), error_source: z.string().optional() })).min(1) })

/** A ShipStation webhook body: what it is about (`resource_url`), and for tracking events the tracking data. */
export const webhookBodySchema = z.object({
  resource_url: z.string().min(1),
  resource_type: z.string().min(1),
  data: z.object({
    tracking_number: z.string().nullish(),
    status_code: z.string().nullish(),
    label_id: z.string().nullish(),
    events: z.array(z.object({ occurred_at: z.string().nullish() }).passthrough()).nullish(),
  }).passthrough().nullish(),
})

export const jwksSchema = z.object({ keys: z.array(z.object({ kid: z.string(), kty: z.string() }).passthrough()) })
