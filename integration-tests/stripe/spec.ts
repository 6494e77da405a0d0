/*
 * Stripe's official OpenAPI description (../shared/specs/stripe/spec3-2023-08-16.yaml): as an openapi-backend
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
import { Worker } from "node:worker_threads"
import { parse } from "yaml"

const ROOT = path.resolve(__dirname, "..", "..")
export const STRIPE_SPEC = path.resolve(ROOT, "..", "shared", "specs", "stripe", "spec3-2023-08-16.yaml")
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

/**
 * The request judge: openapi-backend on the description (operation lookup, parameter and body checks), in a
 * worker thread (see request-validator.worker.js for why). Loads in ~3 s.
 */
export async function startRequestValidator(): Promise<RequestValidator> {
  const worker = new Worker(path.join(__dirname, "request-validator.worker.js"), { workerData: { spec: STRIPE_SPEC } })
  const pending = new Map<number, (v: RequestVerdict) => void>()
  let seq = 0
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject)
    worker.on("message", (m: { ready?: true; failed?: string; id?: number; verdict?: RequestVerdict }) => {
      if (m.ready) resolve()
      else if (m.failed) reject(new Error(`openapi-backend could not load Stripe's description: ${m.failed}`))
      else if (m.id !== undefined && m.verdict) {
        pending.get(m.id)?.(m.verdict)
        pending.delete(m.id)
      }
    })
  })
  // A validator that dies answers what is pending (and what follows) as violations, rather than hanging the test.
  let dead: string | null = null
  worker.on("error", (err) => {
    dead = `the request validator stopped: ${err.message}`
    for (const answer of pending.values()) answer({ ok: false, messages: [dead] })
    pending.clear()
  })
  return {
    validate: (req) => new Promise((resolve) => {
      if (dead) return resolve({ ok: false, messages: [dead] })
      const id = ++seq
      pending.set(id, resolve)
      worker.postMessage({ id, req })
    }),
    close: async () => void (await worker.terminate()),
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
