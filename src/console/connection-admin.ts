import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { listConnectionAudit } from "../modules/integration-hub/connection-audit"
import { resolveProviderClass } from "../modules/integration-hub/connections"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { ConnectionInput, secretPathsOf } from "../modules/integration-hub/stored-connections"
import { hubOf } from "../sync/hub"
import { oauthStatusOf } from "./oauth"
import { formOf } from "./option-form"

type Hub = IntegrationHubModuleService

/** What a connection test answers: whether the vendor answered, in words with secrets scrubbed. */
export type TestOutcome = { connection_id: string; ok: boolean; duration_ms: number; code?: string; message: string }

/** Runs the provider's cheap authenticated read and says how it went; never throws, never shows a secret. */
export async function testProvider(connectionId: string, test: () => Promise<void>, secrets: string[]): Promise<TestOutcome> {
  const started = Date.now()
  try {
    await test()
    return { connection_id: connectionId, ok: true, duration_ms: Date.now() - started, message: `Connection "${connectionId}" answered` }
  } catch (err) {
    const failure = describeFailure(err)
    return { connection_id: connectionId, ok: false, duration_ms: Date.now() - started, code: failure.code, message: redactString(failure.message, secrets) }
  }
}

/** Tests a running connection and keeps the test in its audit. */
export async function testConnection(container: MedusaContainer, connectionId: string, actorId: string | null): Promise<TestOutcome> {
  const hub = hubOf(container)
  const connection = hub.getConnection(connectionId)
  const outcome = await testProvider(connection.id, () => hub.getProvider(connection.id).testConnection(), hub.connectionSecrets(connection.id))
  await hub.catalog.audit({ connection_id: connection.id, action: "test", actor_id: actorId, changed: null, note: outcome.ok ? "answered" : outcome.message })
  return outcome
}

/**
 * Tests settings before they are saved (Test connection on the form): the options are checked as a save checks them
 * (every problem named), secrets left out are the stored ones, and the provider is built apart from the running one.
 */
export async function checkConnectionSettings(container: MedusaContainer, input: ConnectionInput, actorId: string | null): Promise<TestOutcome> {
  const hub = hubOf(container)
  if (hub.catalog.sourceOf(input.connection_id) === "config") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${input.connection_id}" comes from medusa-config: test it as it runs (POST /admin/integrations/connections/${input.connection_id}/test)`)
  }
  const { config, secrets, stored } = await hub.catalog.stored.preview(input)
  const outcome = await testProvider(config.id, () => hub.catalog.trial(config, secrets).testConnection(), secrets)
  if (stored) {
    await hub.catalog.audit({ connection_id: config.id, action: "test", actor_id: actorId, changed: null, note: `unsaved settings: ${outcome.ok ? "answered" : outcome.message}` })
  }
  return outcome
}

/** A connection as its admin page edits it: never a secret, only whether each is set and its last four characters. */
export async function connectionDetail(hub: Hub, connectionId: string) {
  const connection = hub.getConnection(connectionId)
  const source = hub.catalog.sourceOf(connectionId)!
  const Provider = resolveProviderClass(connection.provider, 0)
  const form = Provider.optionsSchema ? formOf(Provider.optionsSchema) : null
  const execute = <T>(sql: string, params: unknown[]) => hub.execute<T>(sql, params)
  const audit = (await listConnectionAudit(execute, connectionId)).map((a) => ({ id: a.id, action: a.action, actor_id: a.actor_id, changed: a.changed, note: a.note, created_at: a.created_at }))
  const base = { id: connection.id, kind: connection.kind, provider: connection.provider, enabled: connection.enabled, mode: hub.modeNow(connection.id), source, form, audit }
  if (source === "config") {
    // Read-only, and without its options: medusa-config's options hold credentials from the environment.
    return { ...base, read_only: true, version: null, options: null, secrets: null, credentials_expire: connection.credentialsExpire ?? {}, oauth: null, problem: null }
  }
  const row = await hub.catalog.stored.row(connectionId)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No connection "${connectionId}" was created from the admin`)
  const masks = await hub.catalog.stored.masks(row)
  const secretPaths = secretPathsOf(Provider, row.options)
  return {
    ...base,
    read_only: false,
    version: row.version,
    options: row.options,
    /** Every secret option: set or not, and its last four characters when it is long enough to show them safely. */
    secrets: Object.fromEntries([...new Set([...secretPaths, ...Object.keys(masks)])].map((path) => [path, { set: path in masks, mask: masks[path] ?? null }])),
    /** When the vendor ends each credential, as staff entered it ({ option: "YYYY-MM-DD" }); warned 14 days ahead. */
    credentials_expire: row.settings?.credentialsExpire ?? {},
    oauth: await oauthStatusOf(hub, connectionId),
    problem: hub.catalog.problems.get(connectionId) ?? null,
    created_by: row.created_by,
    updated_by: row.updated_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}
