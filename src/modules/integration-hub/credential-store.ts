import { MedusaError } from "@medusajs/framework/utils"
import type { CredentialStore, OAuthTokens } from "../../providers/types"
import type { SecretStore } from "./secret-store"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/**
 * The field of stored_connection.secrets that holds a connection's OAuth tokens (one JSON value, sealed like every
 * other secret, so a data key rotation moves it too). Not an option: it is never merged into the provider's options
 * and a change of the options keeps it.
 */
export const OAUTH_TOKENS_FIELD = "$oauth_tokens"

type Deps = {
  execute: Execute
  secrets: SecretStore
  /** Runs fn under a lock shared by every instance (Medusa's locking module). */
  lock: <T>(key: string, fn: () => Promise<T>) => Promise<T>
  /** The grant was refused: the connection needs reconnecting (status, alert, audit). */
  onRevoked: (connectionId: string, reason: string) => Promise<void>
}

/** The CredentialStore a provider gets: its connection's OAuth tokens, encrypted in its stored_connection row. */
export function createCredentialStore(connectionId: string, deps: Deps): CredentialStore {
  const sealedTokens = async (): Promise<{ found: boolean; sealed: string | null }> => {
    const [row] = await deps.execute<{ sealed: string | null }>(
      `SELECT secrets->>'${OAUTH_TOKENS_FIELD}' AS sealed FROM stored_connection WHERE deleted_at IS NULL AND connection_id = ?`,
      [connectionId]
    )
    return { found: !!row, sealed: row?.sealed ?? null }
  }
  const write = async (value: string | null) => {
    const sealed = value === null ? null : (await deps.secrets.seal(connectionId, { [OAUTH_TOKENS_FIELD]: value }))[OAUTH_TOKENS_FIELD]
    const rows = await deps.execute(
      sealed === null
        ? `UPDATE stored_connection SET secrets = secrets - '${OAUTH_TOKENS_FIELD}', updated_at = now() WHERE deleted_at IS NULL AND connection_id = ? RETURNING id`
        : `UPDATE stored_connection SET secrets = jsonb_set(secrets, '{${OAUTH_TOKENS_FIELD}}', to_jsonb(?::text)), updated_at = now() WHERE deleted_at IS NULL AND connection_id = ? RETURNING id`,
      sealed === null ? [connectionId] : [sealed, connectionId]
    )
    if (!rows.length) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" keeps no OAuth tokens: only a connection created from the admin (Integrations → Add connection) can be connected through OAuth`)
    }
  }
  return {
    async readTokens(): Promise<OAuthTokens | null> {
      const { sealed } = await sealedTokens()
      if (!sealed) return null
      const opened = await deps.secrets.open(connectionId, { [OAUTH_TOKENS_FIELD]: sealed })
      return JSON.parse(opened[OAUTH_TOKENS_FIELD]) as OAuthTokens
    },
    writeTokens: (tokens) => write(JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt })),
    withLock: (fn) => deps.lock(`integration-hub:oauth:${connectionId}`, fn),
    async grantRevoked(reason) {
      await write(null)
      await deps.onRevoked(connectionId, reason)
    },
  }
}
