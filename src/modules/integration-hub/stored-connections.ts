import { generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { formOf, splitSecrets } from "../../console/option-form"
import { isSecretKey } from "../../lib/http/redact"
import { maskSecret } from "../../lib/secrets/envelope"
import { formatIssues, safeParseWithRequired } from "../../lib/zod-issues"
import type { ConnectionKind, IntegrationProviderClass } from "../../providers/types"
import { resolveProviderClass, StoredConnectionConfig } from "./connections"
import { recordConnectionAudit } from "./connection-audit"
import { OAUTH_TOKENS_FIELD } from "./credential-store"
import { connectionSchema } from "./options"
import type { SecretStore } from "./secret-store"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

export type StoredConnectionRow = {
  id: string
  connection_id: string
  kind: ConnectionKind
  provider: string
  enabled: boolean
  mode: "live" | "shadow"
  options: Record<string, unknown>
  secrets: Record<string, string>
  settings: ConnectionSettings
  version: number
  created_by: string | null
  updated_by: string | null
  created_at: Date
  updated_at: Date
}

/** A stored connection's own settings beside its provider's options. */
export type ConnectionSettings = { credentialsExpire?: Record<string, string> }

/** One problem of a connection's settings, by the path the form shows it at ("options.apiKey", "connection_id"). */
export type ConnectionProblem = { path: string; message: string }

/** A connection's settings refused: every problem at once, each naming its field. */
export class ConnectionProblems extends MedusaError {
  constructor(readonly connectionId: string, readonly problems: ConnectionProblem[]) {
    super(MedusaError.Types.INVALID_DATA, `Connection "${connectionId}" cannot be saved:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`)
  }
}

/** Someone changed the connection since the form was loaded: answered 409 with these words (Medusa's own 409 says nothing of it). */
export class ConnectionConflict extends MedusaError {
  constructor(message: string) {
    super(MedusaError.Types.CONFLICT, message)
  }
}

/** A refusal the admin routes answer themselves: 400 with every problem, or 409 in words. */
export function connectionRefusal(err: unknown): { status: number; body: Record<string, unknown> } | null {
  if (err instanceof ConnectionProblems) return { status: 400, body: { type: "invalid_data", message: err.message, problems: err.problems } }
  if (err instanceof ConnectionConflict) return { status: 409, body: { type: "conflict", message: err.message } }
  return null
}

/** What staff send to create a connection; `options` holds the secret ones too (they are split off and sealed). */
export type ConnectionInput = {
  connection_id: string
  provider: string
  kind?: ConnectionKind
  enabled?: boolean
  mode?: "live" | "shadow"
  options: Record<string, unknown>
  /** When the vendor ends a credential, by option (warned 14 days ahead). */
  credentials_expire?: Record<string, string>
}
/**
 * A change: options given replace the stored ones, except secret options left out (kept as they are) or null
 * (removed). `expected_version` refuses a change made over someone else's.
 */
export type ConnectionChange = { options?: Record<string, unknown>; enabled?: boolean; credentials_expire?: Record<string, string>; expected_version?: number }

const COLUMNS = "id, connection_id, kind, provider, enabled, mode, options, secrets, settings, version, created_by, updated_by, created_at, updated_at"

/** The option paths of a provider that hold credentials: its form's secret fields, else every text option named like one. */
export function secretPathsOf(Provider: IntegrationProviderClass, options: Record<string, unknown>): string[] {
  if (Provider.optionsSchema) return formOf(Provider.optionsSchema).filter((f) => f.secret).map((f) => f.path)
  return Object.entries(options).filter(([k, v]) => isSecretKey(k) && typeof v === "string").map(([k]) => k)
}

function splitOptions(Provider: IntegrationProviderClass, options: Record<string, unknown>) {
  const paths = secretPathsOf(Provider, options)
  return splitSecrets(paths.map((path) => ({ path, secret: true })), options)
}

const getPath = (obj: Record<string, unknown>, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj)

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".")
  let at = obj
  for (const k of parts.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== "object") at[k] = {}
    at = at[k] as Record<string, unknown>
  }
  at[parts[parts.length - 1]] = value
}

/** Every leaf path of an options object ("a.b", lists as one value). */
function leafPaths(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k
    return v && typeof v === "object" && !Array.isArray(v) ? leafPaths(v as Record<string, unknown>, path) : [path]
  })
}

/** The option paths whose values differ between two sets of options: names only, for the audit. */
export function changedPaths(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const paths = [...new Set([...leafPaths(before), ...leafPaths(after)])]
  return paths.filter((p) => JSON.stringify(getPath(before, p)) !== JSON.stringify(getPath(after, p))).sort()
}

/** What a stored connection keeps of its own settings. */
const settingsOf = (config: StoredConnectionConfig["config"]): ConnectionSettings => (config.credentialsExpire ? { credentialsExpire: config.credentialsExpire } : {})

/** The options with their secrets put back, as the provider takes them (OAuth tokens are not options). */
const withSecrets = (options: Record<string, unknown>, secrets: Record<string, string>) => {
  const merged = structuredClone(options)
  for (const [path, value] of Object.entries(secrets)) if (path !== OAUTH_TOKENS_FIELD) setPath(merged, path, value)
  return merged
}

/**
 * Checks a connection's settings as the boot checks medusa-config's, and returns the connection to run: the
 * provider exists and is of the kind, the connection's fields and the provider's options are valid. Throws
 * ConnectionProblems listing every problem.
 */
export function validateStored(input: ConnectionInput): StoredConnectionConfig["config"] {
  const problems: ConnectionProblem[] = []
  let Provider: IntegrationProviderClass | null = null
  try {
    Provider = resolveProviderClass(input.provider, 0)
  } catch (err) {
    problems.push({ path: "provider", message: (err as Error).message.split("\n").pop()!.replace(/^\s*- connections\[0\]\.provider: /, "") })
  }
  if (Provider && input.kind && Provider.kind !== input.kind) problems.push({ path: "kind", message: `provider "${input.provider}" is a ${Provider.kind} provider, not ${input.kind}` })
  const parsed = safeParseWithRequired(connectionSchema, {
    id: input.connection_id, kind: Provider?.kind ?? input.kind ?? "erp", provider: input.provider, enabled: input.enabled, mode: input.mode, options: input.options,
    credentialsExpire: input.credentials_expire && Object.keys(input.credentials_expire).length ? input.credentials_expire : undefined,
  })
  if (!parsed.success) {
    for (const line of formatIssues(parsed.error)) {
      const [path, ...rest] = line.split(": ")
      problems.push({ path: path === "id" ? "connection_id" : path.replace(/^credentialsExpire/, "credentials_expire"), message: rest.join(": ") })
    }
  }
  if (Provider) {
    try {
      Provider.validateOptions(input.options)
    } catch (err) {
      for (const line of (err as Error).message.split("\n")) {
        const at = line.indexOf(": ")
        problems.push(at > 0 ? { path: `options.${line.slice(0, at)}`, message: line.slice(at + 2) } : { path: "options", message: line })
      }
    }
  }
  if (problems.length || !parsed.success) throw new ConnectionProblems(input.connection_id, problems)
  return parsed.data
}

/**
 * The connections kept in the database (stored_connection): read, opened (secrets decrypted, options checked) and
 * written, each write audited with the option names it changed. Opening is remembered per version, so reading
 * them every few seconds costs one small query.
 */
export class StoredConnections {
  /** Opened connections by row id and version: a row is opened again only when it changed. */
  private readonly opened = new Map<string, StoredConnectionConfig>()

  constructor(private readonly execute: Execute, private readonly secrets: SecretStore, private readonly isConfigured: (connectionId: string) => boolean) {}

  async rows(): Promise<StoredConnectionRow[]> {
    return this.execute<StoredConnectionRow>(`SELECT ${COLUMNS} FROM stored_connection WHERE deleted_at IS NULL ORDER BY created_at`, [])
  }

  async row(connectionId: string): Promise<StoredConnectionRow | null> {
    const [row] = await this.execute<StoredConnectionRow>(`SELECT ${COLUMNS} FROM stored_connection WHERE deleted_at IS NULL AND connection_id = ?`, [connectionId])
    return row ?? null
  }

  /** Every stored connection ready to run, and those that cannot run with the reason (a secret that no longer opens, options no longer valid). */
  async load(): Promise<{ stored: StoredConnectionConfig[]; problems: Map<string, string> }> {
    const rows = await this.rows()
    const stored: StoredConnectionConfig[] = []
    const problems = new Map<string, string>()
    const revisions = new Set<string>()
    for (const row of rows) {
      const revision = `${row.id}:${row.version}`
      revisions.add(revision)
      let opened: StoredConnectionConfig | { problem: string } | undefined = this.opened.get(revision)
      if (!opened) {
        opened = await this.open(row, revision).catch((err: Error) => ({ problem: err.message }))
        // A problem is looked at again next time: it may pass (the keys could not be read just then).
        if (!("problem" in opened)) this.opened.set(revision, opened)
      }
      if ("problem" in opened) problems.set(row.connection_id, opened.problem)
      else stored.push(opened)
    }
    for (const revision of this.opened.keys()) if (!revisions.has(revision)) this.opened.delete(revision)
    return { stored, problems }
  }

  private async open(row: StoredConnectionRow, revision: string): Promise<StoredConnectionConfig> {
    const plain = await this.secrets.open(row.connection_id, row.secrets)
    const config = validateStored({
      connection_id: row.connection_id, provider: row.provider, kind: row.kind, enabled: row.enabled, mode: row.mode,
      options: withSecrets(row.options, plain), credentials_expire: row.settings?.credentialsExpire,
    })
    const tokens = plain[OAUTH_TOKENS_FIELD] ? (JSON.parse(plain[OAUTH_TOKENS_FIELD]) as Record<string, string>) : {}
    return { config, secrets: [...Object.entries(plain).filter(([k]) => k !== OAUTH_TOKENS_FIELD).map(([, v]) => v), ...Object.values(tokens)], revision }
  }

  /** The stored secrets masked (last four characters at most), by option path: what the admin shows of them. */
  async masks(row: StoredConnectionRow): Promise<Record<string, string>> {
    const plain = await this.secrets.open(row.connection_id, row.secrets)
    return Object.fromEntries(Object.entries(plain).filter(([path]) => path !== OAUTH_TOKENS_FIELD).map(([path, value]) => [path, maskSecret(value)]))
  }

  /**
   * The options a change leads to (stored secrets kept unless given or nulled), checked; nothing written. `stored`:
   * whether a connection of that id is stored already.
   */
  async preview(input: ConnectionInput): Promise<{ config: StoredConnectionConfig["config"]; secrets: string[]; stored: boolean }> {
    const row = await this.row(input.connection_id)
    const options = row ? this.merged(row, input.options, await this.secrets.open(row.connection_id, row.secrets)) : input.options
    const config = validateStored({ ...input, options, credentials_expire: input.credentials_expire ?? row?.settings?.credentialsExpire })
    const Provider = resolveProviderClass(config.provider, 0)
    return { config, secrets: Object.values(splitOptions(Provider, config.options).secrets), stored: row !== null }
  }

  /** The options given, with the secrets left out taken from `kept` (the row's, decrypted) and those nulled removed. */
  private merged(row: StoredConnectionRow, given: Record<string, unknown>, kept: Record<string, string>): Record<string, unknown> {
    const Provider = resolveProviderClass(row.provider, 0)
    const options = structuredClone(given)
    for (const path of secretPathsOf(Provider, options)) {
      const value = getPath(given, path)
      if (value === undefined && kept[path] !== undefined) setPath(options, path, kept[path])
      if (value === null || value === "") setPath(options, path, undefined)
    }
    return JSON.parse(JSON.stringify(options)) as Record<string, unknown>
  }

  async create(input: ConnectionInput, actorId: string | null): Promise<StoredConnectionRow> {
    if (this.isConfigured(input.connection_id)) {
      throw new ConnectionProblems(input.connection_id, [{ path: "connection_id", message: `"${input.connection_id}" is a connection of medusa-config; pick another id` }])
    }
    if (await this.row(input.connection_id)) {
      throw new ConnectionProblems(input.connection_id, [{ path: "connection_id", message: `a connection "${input.connection_id}" exists already` }])
    }
    const config = validateStored(input)
    const { secrets, rest } = splitOptions(resolveProviderClass(config.provider, 0), input.options)
    const sealed = await this.secrets.seal(config.id, secrets)
    const [row] = await this.execute<StoredConnectionRow>(
      `INSERT INTO stored_connection (id, connection_id, kind, provider, enabled, mode, options, secrets, settings, version, created_by, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, 1, ?, ?) RETURNING ${COLUMNS}`,
      [generateEntityId(undefined, "icon"), config.id, config.kind, config.provider, config.enabled, config.mode, JSON.stringify(rest), JSON.stringify(sealed), JSON.stringify(settingsOf(config)), actorId, actorId]
    )
    await recordConnectionAudit(this.execute, { connection_id: config.id, action: "create", actor_id: actorId, changed: leafPaths(input.options).sort(), note: `${config.kind} connection on ${config.provider}` })
    return row
  }

  async update(connectionId: string, change: ConnectionChange, actorId: string | null): Promise<StoredConnectionRow> {
    const row = await this.requireRow(connectionId)
    if (change.expected_version !== undefined && change.expected_version !== row.version) {
      throw new ConnectionConflict(`Connection "${connectionId}" was changed by someone else meanwhile (version ${row.version}, not ${change.expected_version}): reload it and make your change again`)
    }
    const kept = await this.secrets.open(row.connection_id, row.secrets)
    const before = withSecrets(row.options, kept)
    const options = change.options ? this.merged(row, change.options, kept) : before
    const enabled = change.enabled ?? row.enabled
    const credentialsExpire = change.credentials_expire ?? row.settings?.credentialsExpire
    const config = validateStored({ connection_id: connectionId, provider: row.provider, kind: row.kind, enabled, mode: row.mode, options, credentials_expire: credentialsExpire })
    const { secrets, rest } = splitOptions(resolveProviderClass(row.provider, 0), config.options)
    const changed = [...changedPaths(before, options), ...changedPaths({ credentialsExpire: row.settings?.credentialsExpire ?? {} }, { credentialsExpire: settingsOf(config).credentialsExpire ?? {} })]
    const [updated] = await this.execute<StoredConnectionRow>(
      // The OAuth tokens are the hub's, not the form's: a change keeps the ones stored now (a refresh may have just written them).
      `UPDATE stored_connection SET options = ?::jsonb, settings = ?::jsonb, enabled = ?, version = version + 1, updated_by = ?, updated_at = now(),
         secrets = CASE WHEN secrets->'${OAUTH_TOKENS_FIELD}' IS NULL THEN ?::jsonb ELSE ?::jsonb || jsonb_build_object('${OAUTH_TOKENS_FIELD}', secrets->'${OAUTH_TOKENS_FIELD}') END
        WHERE id = ? AND version = ? RETURNING ${COLUMNS}`,
      [JSON.stringify(rest), JSON.stringify(settingsOf(config)), enabled, actorId, ...Array(2).fill(JSON.stringify(await this.secrets.seal(connectionId, secrets))), row.id, row.version]
    )
    if (!updated) throw new ConnectionConflict(`Connection "${connectionId}" was changed by someone else meanwhile: reload it and make your change again`)
    if (changed.length) await recordConnectionAudit(this.execute, { connection_id: connectionId, action: "update", actor_id: actorId, changed, note: null })
    if (enabled !== row.enabled) await recordConnectionAudit(this.execute, { connection_id: connectionId, action: enabled ? "enable" : "disable", actor_id: actorId, changed: null, note: null })
    return updated
  }

  /** Deletes a stored connection (its sync records, logs and history stay, under its id). */
  async remove(connectionId: string, actorId: string | null): Promise<void> {
    const row = await this.requireRow(connectionId)
    await this.execute(`UPDATE stored_connection SET deleted_at = now(), secrets = '{}'::jsonb, version = version + 1, updated_by = ? WHERE id = ?`, [actorId, row.id])
    await recordConnectionAudit(this.execute, { connection_id: connectionId, action: "delete", actor_id: actorId, changed: null, note: null })
  }

  private async requireRow(connectionId: string): Promise<StoredConnectionRow> {
    if (this.isConfigured(connectionId)) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" comes from medusa-config: change it there (it is read-only in the admin)`)
    }
    const row = await this.row(connectionId)
    if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No connection "${connectionId}" was created from the admin`)
    return row
  }
}
