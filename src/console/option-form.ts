import { z } from "@medusajs/framework/zod"
import { isSecretKey } from "../lib/http/redact"

/** One field of a connection's form, from its provider's options schema. */
export type FormField = {
  /** The option's path, e.g. "apiKey" or "rateLimit.requests". */
  path: string
  type: "string" | "number" | "integer" | "boolean" | "enum" | "list" | "json"
  label: string
  help: string | null
  required: boolean
  /** Kept encrypted, shown masked (last four characters), never sent to the browser. */
  secret: boolean
  default: unknown
  /** For an enum: the values to choose from. */
  options?: string[]
  format?: string
}

type JsonSchema = {
  type?: string | string[]
  title?: string
  description?: string
  secret?: boolean
  default?: unknown
  enum?: unknown[]
  format?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
}

/** "webhookJwksUrl" → "Webhook jwks url"; "rate_limit" → "Rate limit". */
const humanize = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * The form of a provider's options, generated from its zod schema (through zod's own JSON Schema): one field per
 * option, nested objects flattened into dotted paths, with the label and help its `.meta({ title, description })`
 * give (else the option's name in words), its default, whether it is required, and whether it is a secret
 * (`.meta({ secret: true })`, or a text option whose name says so: key, token, secret, password…). Third-party providers get the
 * same form from their own schema.
 */
export function formOf(schema: z.ZodType): FormField[] {
  // A schema's form never changes: made once (the admin's pages, every save and the status of every connection ask for it).
  let form = forms.get(schema)
  if (!form) forms.set(schema, (form = buildForm(schema)))
  return form
}

const forms = new WeakMap<z.ZodType, FormField[]>()

function buildForm(schema: z.ZodType): FormField[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema
  const fields: FormField[] = []
  const walk = (node: JsonSchema, prefix: string, required: Set<string>, underSecret: boolean) => {
    for (const [key, raw] of Object.entries(node.properties ?? {})) {
      const prop = raw.anyOf?.find((s) => s.type !== "null") ?? raw
      const path = prefix ? `${prefix}.${key}` : key
      const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== "null") : prop.type
      // A name that says "key", "token", "secret"… makes a text field secret (not a switch like verifyWebhookSignature).
      const secret = underSecret || raw.secret === true || prop.secret === true || (isSecretKey(key) && type === "string")
      if (type === "object" && prop.properties) {
        walk(prop, path, new Set(prop.required ?? []), secret)
        continue
      }
      fields.push({
        path,
        type: prop.enum ? "enum" : type === "array" ? "list" : type === "string" || type === "number" || type === "integer" || type === "boolean" ? type : "json",
        label: raw.title ?? prop.title ?? humanize(key),
        help: raw.description ?? prop.description ?? null,
        required: required.has(key) && raw.default === undefined && prop.default === undefined,
        secret,
        default: secret ? undefined : raw.default ?? prop.default,
        ...(prop.enum ? { options: prop.enum.map(String) } : {}),
        ...(prop.format ? { format: prop.format } : {}),
      })
    }
  }
  walk(json, "", new Set(json.required ?? []), false)
  return fields
}

/** The secret fields' values out of a set of options (by path), and the options without them. */
export function splitSecrets(fields: Array<Pick<FormField, "path" | "secret">>, options: Record<string, unknown>): { secrets: Record<string, string>; rest: Record<string, unknown> } {
  const secrets: Record<string, string> = {}
  const rest = structuredClone(options)
  for (const f of fields.filter((f) => f.secret)) {
    const parts = f.path.split(".")
    const parent = parts.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k) => (o && typeof o[k] === "object" ? (o[k] as Record<string, unknown>) : undefined), rest)
    const leaf = parts[parts.length - 1]
    const value = parent?.[leaf]
    if (parent && typeof value === "string" && value !== "") {
      secrets[f.path] = value
      delete parent[leaf]
    }
  }
  return { secrets, rest }
}
