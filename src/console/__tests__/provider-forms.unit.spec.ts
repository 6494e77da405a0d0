import { z } from "@medusajs/framework/zod"
import { BUILT_IN_PROVIDERS } from "../../providers/registry"
import { formOf } from "../option-form"

/** The options that hold credentials, per built-in provider (HubSpot's form is checked with its own adapter). */
const SECRETS: Record<string, string[]> = {
  tryton: ["password"],
  odoo: ["apiKey"],
  sandbox: ["webhookSecret"],
  shipstation: ["apiKey", "webhookToken"],
  "sandbox-carrier": ["webhookSecret"],
  stripe: ["apiKey", "webhookSecret"],
  "sandbox-gateway": ["webhookSecret"],
  "sandbox-crm": [],
}

/** Fields allowed without help text for now: ShipStation's label choices, whose options say what they are. */
const WITHOUT_HELP: Record<string, string[]> = { shipstation: ["labelFormat", "labelLayout"] }

type JsonNode = { type?: unknown; title?: string; description?: string; secret?: boolean; default?: unknown; properties?: Record<string, JsonNode>; anyOf?: JsonNode[] }

/** The JSON Schema node of a form field's path, as formOf reads it (the option itself, not a nullable wrapper). */
const nodeAt = (schema: z.ZodType, path: string): JsonNode => {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonNode
  let node = json
  for (const key of path.split(".")) {
    const raw = node.properties?.[key]
    if (!raw) throw new Error(`no option ${path} in the schema`)
    node = raw.anyOf ? { ...raw.anyOf.find((s) => s.type !== "null"), ...raw, anyOf: undefined } : raw
  }
  return node
}

const providers = Object.entries(BUILT_IN_PROVIDERS).filter(([name]) => name !== "hubspot")

describe("the connection form of each built-in provider", () => {
  it("has a list of secrets for every built-in provider but HubSpot", () => {
    expect(providers.map(([name]) => name).sort()).toEqual(Object.keys(SECRETS).sort())
  })

  describe.each(providers)("%s", (name, Provider) => {
    const schema = Provider.optionsSchema
    const form = schema ? formOf(schema) : []

    it("gives its options schema, with at least one field", () => {
      expect(schema).toBeDefined()
      expect(form.length).toBeGreaterThan(0)
    })

    it("labels every field from the schema's own title, not the option's name in words", () => {
      for (const field of form) {
        const title = nodeAt(schema!, field.path).title
        expect({ path: field.path, title: title?.trim() || null }).toEqual({ path: field.path, title: expect.any(String) })
        expect(field.label).toBe(title)
      }
    })

    it("gives every field help text", () => {
      const withoutHelp = form.filter((f) => !f.help?.trim()).map((f) => f.path)
      expect(withoutHelp.filter((p) => !(WITHOUT_HELP[name] ?? []).includes(p))).toEqual([])
    })

    it("marks exactly its credentials secret, each by .meta({ secret: true })", () => {
      expect(form.filter((f) => f.secret).map((f) => f.path).sort()).toEqual([...SECRETS[name]].sort())
      // Explicitly, not only because formOf guesses from a name such as "password".
      expect(SECRETS[name].filter((path) => nodeAt(schema!, path).secret !== true)).toEqual([])
    })

    // In the schema itself: formOf hides a secret's default from the form, so the form cannot show one.
    it("gives no secret a default", () => {
      expect(SECRETS[name].filter((path) => nodeAt(schema!, path).default !== undefined)).toEqual([])
    })
  })
})
