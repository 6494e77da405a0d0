import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { formOf } from "../../../../console/option-form"
import { BUILT_IN_PROVIDERS } from "../../../../providers/registry"
import { resolveProviderClass } from "../../../../modules/integration-hub/connections"
import { hubOf } from "../serializers"

/**
 * GET /admin/integrations/providers — the providers a connection can use (the built-in ones, and any third-party
 * one a configured connection names), each with its kind and its options' form (fields with labels, help,
 * defaults, required and secret), generated from the options schema it gives; `form: null` when it gives none.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const names = [...new Set([...Object.keys(BUILT_IN_PROVIDERS), ...hub.listConnections().map((c) => c.provider)])]
  const providers = names.map((name, i) => {
    const Provider = BUILT_IN_PROVIDERS[name] ?? resolveProviderClass(name, i)
    return { name, kind: Provider.kind, built_in: name in BUILT_IN_PROVIDERS, form: Provider.optionsSchema ? formOf(Provider.optionsSchema) : null }
  })
  res.json({ providers })
}
