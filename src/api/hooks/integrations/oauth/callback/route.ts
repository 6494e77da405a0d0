import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { describeFailure } from "../../../../../lib/errors"
import { redactString } from "../../../../../lib/http/redact"
import { finishOAuth, OAuthCallbackRefused } from "../../../../../console/oauth"
import { hubOf } from "../../../../../sync/hub"

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${text.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!)}</p><p><a href="/app/integrations">Back to Integrations</a></p></body>`

/**
 * GET /hooks/integrations/oauth/callback?code&state — where the vendor's authorize page sends staff back. A missing,
 * foreign, expired or replayed state is refused (400, in words); otherwise the code is exchanged, the tokens kept
 * encrypted, and staff land on the connection's settings.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const q = req.query as Record<string, string | undefined>
  try {
    const connectionId = await finishOAuth(req.scope, { code: q.code, state: q.state, error: q.error })
    res.redirect(302, `/app/integrations/connections/${encodeURIComponent(connectionId)}/settings?oauth=connected`)
  } catch (err) {
    const refused = err instanceof OAuthCallbackRefused
    const connectionId = q.state?.split(".")[0] ?? ""
    const message = refused ? err.message : redactString(describeFailure(err).message, hubOf(req.scope).connectionSecrets(connectionId))
    res.status(refused ? 400 : 502).type("html").send(page(refused ? "Not connected" : "The vendor refused the connection", message))
  }
}
