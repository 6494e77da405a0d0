/*
 * Judges requests by Stripe's description with openapi-backend, in a worker thread: openapi-backend needs an
 * ES-module-only dependency (@apidevtools/json-schema-ref-parser 16) that Node's own require loads but Jest's
 * module runtime cannot, so it runs here, outside Jest. Plain CommonJS: workers are not transpiled.
 * Messages in: { id, req: { method, path, query, body, headers } }; out: { id, verdict } (see spec.ts).
 */
const { parentPort, workerData } = require("node:worker_threads")
const { readFileSync } = require("node:fs")
const { parse } = require("yaml")
const { OpenAPIBackend } = require("openapi-backend")

function describe(e) {
  const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "request"
  const extra = e.params && (e.params.additionalProperty ?? e.params.allowedValues ?? e.params.missingProperty)
  return `${where}: ${e.message ?? "is invalid"}${extra === undefined ? "" : ` (${String(extra)})`}`
}

async function main() {
  const api = new OpenAPIBackend({
    definition: parse(readFileSync(workerData.spec, "utf8")),
    quick: true,
    validate: true,
    ajvOpts: { coerceTypes: true, strict: false },
    // Stripe's own formats: any value of the declared type.
    customizeAjv: (ajv) => ajv.addFormat("unix-time", true).addFormat("decimal", true),
    // The double checks the API key itself (and answers 401 as Stripe does).
    securityHandlers: { basicAuth: () => true, bearerAuth: () => true },
  })
  api.register({
    notFound: (c) => ({ ok: false, messages: [`no such operation in Stripe's description: ${c.request.method.toUpperCase()} ${c.request.path}`] }),
    methodNotAllowed: (c) => ({ ok: false, messages: [`method not allowed by Stripe's description: ${c.request.method.toUpperCase()} ${c.request.path}`] }),
    validationFail: (c) => ({ ok: false, messages: (c.validation.errors || []).map(describe) }),
    notImplemented: (c) => ({ ok: true, operationId: c.operation.operationId || "", params: c.request.params }),
  })
  await api.init()
  parentPort.on("message", async ({ id, req }) => {
    try {
      parentPort.postMessage({ id, verdict: await api.handleRequest(req) })
    } catch (err) {
      parentPort.postMessage({ id, verdict: { ok: false, messages: [`the validator failed: ${err && err.message}`] } })
    }
  })
  parentPort.postMessage({ ready: true })
}

main().catch((err) => parentPort.postMessage({ failed: String((err && err.stack) || err) }))
