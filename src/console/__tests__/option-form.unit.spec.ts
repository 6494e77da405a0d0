import { z } from "@medusajs/framework/zod"
import { stripeOptionsSchema } from "../../providers/payment-stripe/types"
import { sandboxCarrierOptionsSchema } from "../../providers/shipping-sandbox/service"
import { shipStationOptionsSchema } from "../../providers/shipping-shipstation/types"
import { formOf, splitSecrets } from "../option-form"

describe("a connection's form from its provider's options schema", () => {
  it("gives ShipStation's fields with labels, help, defaults, what is required and what is secret", () => {
    const form = formOf(shipStationOptionsSchema)
    expect(form.map((f) => [f.path, f.type, f.required, f.secret])).toEqual([
      ["apiKey", "string", true, true],
      ["baseUrl", "string", false, false],
      ["carrierIds", "list", true, false],
      ["labelFormat", "enum", false, false],
      ["labelLayout", "enum", false, false],
      ["webhookToken", "string", false, true],
      ["webhookJwksUrl", "string", false, false],
      ["verifyWebhookSignature", "boolean", false, false],
    ])
    expect(form[0]).toEqual({ path: "apiKey", type: "string", label: "API key", help: "ShipStation › Settings › API Keys; sent as the api-key header, never logged.", required: true, secret: true, default: undefined })
    expect(form[3]).toMatchObject({ label: "Label format", options: ["pdf", "png", "zpl"], default: "pdf" })
    expect(form[1]).toMatchObject({ default: "https://api.shipstation.com", format: "uri" })
  })

  it("gives a third-party schema without labels its names in words, and takes secrets by name and in nested objects", () => {
    const schema = z.object({
      shopDomain: z.string(),
      clientSecret: z.string(),
      oauth: z.object({ refreshToken: z.string(), scopes: z.array(z.string()).default([]) }).meta({ secret: true }),
      retries: z.number().int().default(3),
    })
    expect(formOf(schema).map((f) => [f.path, f.label, f.type, f.secret, f.required])).toEqual([
      ["shopDomain", "Shop domain", "string", false, true],
      ["clientSecret", "Client secret", "string", true, true],
      ["oauth.refreshToken", "Refresh token", "string", true, true],
      ["oauth.scopes", "Scopes", "list", true, false],
      ["retries", "Retries", "integer", false, false],
    ])
  })

  it("takes the secret values out of a set of options, at any depth, leaving the rest as it was", () => {
    const schema = z.object({ apiKey: z.string(), baseUrl: z.string(), oauth: z.object({ accessToken: z.string(), portal: z.string() }) })
    const options = { apiKey: "k_1234567890", baseUrl: "https://x", oauth: { accessToken: "t_abcdef", portal: "42" } }
    expect(splitSecrets(formOf(schema), options)).toEqual({
      secrets: { apiKey: "k_1234567890", "oauth.accessToken": "t_abcdef" },
      rest: { baseUrl: "https://x", oauth: { portal: "42" } },
    })
    expect(options.apiKey).toBe("k_1234567890")
  })
})

describe("the sandbox carrier's form", () => {
  it("has its webhook secret as a secret and its services as a list with their default", () => {
    const form = formOf(sandboxCarrierOptionsSchema)
    expect(form.map((f) => [f.path, f.label, f.type, f.secret, f.required])).toEqual([
      ["webhookSecret", "Webhook secret", "string", true, false],
      ["carrier", "Carrier name", "string", false, false],
      ["services", "Services", "list", false, false],
    ])
    expect(form[2].default).toEqual([
      { code: "standard", name: "Standard", base: 4.5, perKg: 1.2, days: 4 },
      { code: "express", name: "Express", base: 9.9, perKg: 2.5, days: 1 },
    ])
  })
})

describe("Stripe's form", () => {
  it("has its API key and webhook signing secret as secrets, both required", () => {
    expect(formOf(stripeOptionsSchema).map((f) => [f.path, f.label, f.secret, f.required])).toEqual([
      ["apiKey", "API key", true, true],
      ["webhookSecret", "Webhook signing secret", true, true],
      ["baseUrl", "API base URL", false, false],
    ])
  })
})
