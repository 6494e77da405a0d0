/*
 * Stripe's official OpenAPI description (integration-tests/specs/stripe/spec3-2023-08-16.yaml): as an openapi-backend
 * router/validator for requests, and as ajv schemas to check the objects the double answers.
 *
 * Two load-time adjustments, neither of which changes what is valid:
 * - the description uses OpenAPI 3.0's `nullable: true` beside `anyOf` (no `type`), which ajv refuses to compile;
 *   for response checks such a schema becomes `anyOf: [{type: "null"}, <schema>]`, which is what it means, and a
 *   nullable `enum` gets `null` added to its values (ajv's `nullable` widens the type, not the enum);
 * - its own formats `unix-time` and `decimal` are declared to ajv (as any value of the declared type).
 * openapi-backend itself needs no fix (it tolerates the nullable form).
 */
import Ajv, { ValidateFunction } from "ajv"
import { readFileSync } from "node:fs"
import path from "node:path"
import { Context, OpenAPIBackend, Request } from "openapi-backend"
import { parse } from "yaml"

const ROOT = path.resolve(__dirname, "..", "..")
export const STRIPE_SPEC = path.resolve(ROOT, "integration-tests", "specs", "stripe", "spec3-2023-08-16.yaml")
export const STRIPE_SPEC_VERSION = "2023-08-16"

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Document = { components: { schemas: Record<string, Json> } } & Record<string, unknown>

let document: Document | null = null
let schemas: Ajv | null = null

function load(): Document {
  // Parsing the 4 MB YAML takes ~2 s: once per test file, and only when an object is checked.
  document ??= parse(readFileSync(STRIPE_SPEC, "utf8")) as Document
  return document
}

const formats = (ajv: Ajv): Ajv => ajv.addFormat("unix-time", true).addFormat("decimal", true)

export type RequestVerdict = { ok: true; operationId: string; params: Record<string, string> } | { ok: false; messages: string[] }
export type StripeRequest = { method: string; path: string; query: Record<string, unknown>; body: Record<string, unknown> | undefined; headers: Record<string, string> }
export type RequestValidator = { validate(req: StripeRequest): Promise<RequestVerdict>; close(): Promise<void> }

/** An ajv validation error in words: where, what, and the offending name or value. */
function describe(e: { instancePath: string; message?: string; params?: Record<string, unknown> }): string {
  const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "request"
  const extra = e.params && (e.params.additionalProperty ?? e.params.allowedValues ?? e.params.missingProperty)
  return `${where}: ${e.message ?? "is invalid"}${extra === undefined ? "" : ` (${String(extra)})`}`
}

/** The request judge: openapi-backend on the description (operation lookup, parameter and body checks). Loads in ~3 s. */
export async function startRequestValidator(): Promise<RequestValidator> {
  const api = new OpenAPIBackend({
    definition: load() as unknown as ConstructorParameters<typeof OpenAPIBackend>[0]["definition"],
    quick: true,
    validate: true,
    ajvOpts: { coerceTypes: true, strict: false },
    customizeAjv: (ajv) => formats(ajv as unknown as Ajv) as unknown as typeof ajv,
    // The double checks the API key itself (and answers 401 as Stripe does).
    securityHandlers: { basicAuth: () => true, bearerAuth: () => true },
  })
  api.register({
    notFound: (c: Context): RequestVerdict => ({ ok: false, messages: [`no such operation in Stripe's description: ${c.request.method.toUpperCase()} ${c.request.path}`] }),
    methodNotAllowed: (c: Context): RequestVerdict => ({ ok: false, messages: [`method not allowed by Stripe's description: ${c.request.method.toUpperCase()} ${c.request.path}`] }),
    validationFail: (c: Context): RequestVerdict => ({ ok: false, messages: (c.validation.errors ?? []).map(describe) }),
    notImplemented: (c: Context): RequestVerdict => ({ ok: true, operationId: c.operation.operationId ?? "", params: c.request.params as Record<string, string> }),
  })
  await api.init()
  return {
    validate: async (req) => {
      try {
        // The query and form body as qs parsed them (nested, as Stripe's SDK sends them): openapi-backend takes them as they are.
        return (await api.handleRequest(req as unknown as Request)) as RequestVerdict
      } catch (err) {
        return { ok: false, messages: [`the validator failed: ${(err as Error).message}`] }
      }
    },
    close: async () => undefined,
  }
}

function nullableAsAnyOf(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(nullableAsAnyOf)
  if (!schema || typeof schema !== "object") return schema
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === "$ref" && typeof value === "string" ? value.replace("#/components/schemas/", "stripe#/definitions/") : nullableAsAnyOf(value)
  }
  // An enum that is nullable allows null, though the enum does not list it.
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable
    return { anyOf: [{ type: "null" }, out] }
  }
  return out
}

/** Checks an object against one of the description's schemas (components.schemas.<name>); the problems, or []. */
export function schemaProblems(name: string, value: unknown): string[] {
  if (!schemas) {
    schemas = formats(new Ajv({ strict: false, allErrors: true }))
    schemas.addSchema({ $id: "stripe", definitions: nullableAsAnyOf(load().components.schemas) })
  }
  const validate = schemas.getSchema(`stripe#/definitions/${name}`) as ValidateFunction | undefined
  if (!validate) throw new Error(`Stripe's description has no schema components.schemas.${name}`)
  if (validate(value)) return []
  return (validate.errors ?? []).map((e) => `${name}${e.instancePath}: ${e.message}${e.params && "allowedValues" in e.params ? ` (${String(e.params.allowedValues)})` : ""}`)
}
