import { generateEntityId } from "@medusajs/framework/utils"
import {
  dataKeyIdOf, decryptSecret, encryptSecret, keyEncryptionKey, newDataKey, SecretError, unwrapDataKey, WrappedDataKey, wrapDataKey,
} from "../../lib/secrets/envelope"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>
type Kek = ReturnType<typeof keyEncryptionKey>
type KeyRow = WrappedDataKey & { status: "active" | "retiring" | "retired" }

/**
 * The secrets of the connections kept in the database (stored_connection.secrets), under data keys kept in
 * secret_key wrapped under the plugin's `encryptionKey` (see lib/secrets/envelope.ts). Without an encryptionKey
 * nothing is sealed: a connection with secrets is refused in words. Data keys are read once per process and kept
 * unwrapped in memory only.
 */
export class SecretStore {
  private readonly kek: Kek | null
  private keys_?: Promise<Map<string, { key: Buffer; status: KeyRow["status"] }>>

  constructor(private readonly execute: Execute, encryptionKey: Buffer | null) {
    this.kek = encryptionKey ? keyEncryptionKey(encryptionKey) : null
  }

  /** The configured encryptionKey's fingerprint (safe to show), or null without one. */
  get fingerprint(): string | null {
    return this.kek?.fingerprint ?? null
  }

  private requireKek(what: string): Kek {
    if (!this.kek) {
      throw new SecretError(
        `${what}: the plugin has no encryptionKey, so secrets cannot be kept in the database. Set the plugin option encryptionKey (32 bytes: \`openssl rand -hex 32\`), or keep this connection in medusa-config with its secrets in environment variables`
      )
    }
    return this.kek
  }

  private async keys() {
    if (!this.keys_) {
      const kek = this.requireKek("Reading stored secrets")
      this.keys_ = this.execute<KeyRow>(`SELECT id, wrapped, kek_fingerprint, status FROM secret_key WHERE deleted_at IS NULL AND status <> 'retired'`, [])
        .then((rows) => new Map(rows.map((r) => [r.id, { key: unwrapDataKey(kek, r), status: r.status }])))
      this.keys_.catch(() => (this.keys_ = undefined))
    }
    return this.keys_
  }

  /**
   * The active data key, made (and wrapped) on first use; one across instances (a partial unique index). Which key
   * is active is read from the database on every seal (another instance may have rotated it); seals are rare.
   */
  private async activeKey(): Promise<{ id: string; key: Buffer }> {
    const [current] = await this.execute<{ id: string }>(`SELECT id FROM secret_key WHERE deleted_at IS NULL AND status = 'active'`, [])
    if (current && (await this.keys()).get(current.id)?.status !== "active") this.keys_ = undefined
    const found = [...(await this.keys()).entries()].find(([, k]) => k.status === "active")
    if (found && found[0] === current?.id) return { id: found[0], key: found[1].key }
    const kek = this.requireKek("Making a data key")
    const id = generateEntityId(undefined, "idk")
    const wrapped = wrapDataKey(kek, id, newDataKey())
    await this.execute(
      `INSERT INTO secret_key (id, wrapped, kek_fingerprint, status) VALUES (?, ?, ?, 'active')
       ON CONFLICT (status) WHERE status = 'active' AND deleted_at IS NULL DO NOTHING`,
      [wrapped.id, wrapped.wrapped, wrapped.kek_fingerprint]
    )
    this.keys_ = undefined
    const active = [...(await this.keys()).entries()].find(([, k]) => k.status === "active")
    if (!active) throw new SecretError("No active data key after making one: another process retired it meanwhile; try again")
    return { id: active[0], key: active[1].key }
  }

  /** Whether secrets can be kept (the encryptionKey's fingerprint), and the data keys with the stored values under each; never key material. */
  async status(): Promise<{ encryption_key: { set: boolean; fingerprint: string | null }; data_keys: Array<{ id: string; status: KeyRow["status"]; kek_fingerprint: string; values: number; created_at: Date; retired_at: Date | null }> }> {
    const keys = await this.execute<{ id: string; status: KeyRow["status"]; kek_fingerprint: string; created_at: Date; retired_at: Date | null }>(
      `SELECT id, status, kek_fingerprint, created_at, retired_at FROM secret_key WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 20`,
      []
    )
    const counts = await this.execute<{ key_id: string; n: string }>(
      `SELECT split_part(v.value, '.', 2) AS key_id, count(*) AS n FROM stored_connection c, jsonb_each_text(c.secrets) v WHERE c.deleted_at IS NULL GROUP BY 1`,
      []
    )
    const values = new Map(counts.map((c) => [c.key_id, Number(c.n)]))
    return {
      encryption_key: { set: this.kek !== null, fingerprint: this.fingerprint },
      data_keys: keys.map((k) => ({ ...k, values: values.get(k.id) ?? 0 })),
    }
  }

  /** Encrypts a connection's secrets ({ option path: value }) under the active data key. */
  async seal(connectionId: string, secrets: Record<string, string>): Promise<Record<string, string>> {
    if (!Object.keys(secrets).length) return {}
    this.requireKek(`Connection "${connectionId}" has secrets (${Object.keys(secrets).join(", ")})`)
    const key = await this.activeKey()
    return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, encryptSecret(key, connectionId, field, value)]))
  }

  /** Decrypts a connection's stored secrets; refuses in words, naming the connection and field, what it cannot read. */
  async open(connectionId: string, stored: Record<string, string>): Promise<Record<string, string>> {
    if (!Object.keys(stored).length) return {}
    let keys = await this.keys()
    // A key made by another instance since this one read them: read them again, once.
    if (Object.values(stored).some((v) => { const id = dataKeyIdOf(v); return id !== null && !keys.has(id) })) {
      this.keys_ = undefined
      keys = await this.keys()
    }
    return Object.fromEntries(Object.entries(stored).map(([field, value]) => [field, decryptSecret((id) => keys.get(id)?.key, connectionId, field, value)]))
  }

  /**
   * Rotates the data key without changing encryptionKey: a new key becomes active, every stored secret is
   * re-encrypted under it, then the old keys are retired and their material erased. Safe to run again after a
   * crash (values under a retiring key still read; the next run moves them). Returns what it did.
   */
  async rotate(): Promise<{ active: string; reencrypted: number; retired: string[] }> {
    this.requireKek("Rotating the data key")
    await this.execute(`UPDATE secret_key SET status = 'retiring', updated_at = now() WHERE deleted_at IS NULL AND status = 'active'`, [])
    this.keys_ = undefined
    const active = await this.activeKey()
    const rows = await this.execute<{ id: string; connection_id: string; secrets: Record<string, string>; version: number }>(
      `SELECT id, connection_id, secrets, version FROM stored_connection WHERE deleted_at IS NULL`,
      []
    )
    let reencrypted = 0
    for (const row of rows) {
      const stale = Object.values(row.secrets).some((v) => dataKeyIdOf(v) !== active.id)
      if (!stale) continue
      const plain = await this.open(row.connection_id, row.secrets)
      const moved = await this.execute(
        // Only over the values read: a change or a token refresh meanwhile is not overwritten with older values.
        `UPDATE stored_connection SET secrets = ?::jsonb, version = version + 1, updated_at = now() WHERE id = ? AND version = ? AND secrets = ?::jsonb RETURNING id`,
        [JSON.stringify(await this.seal(row.connection_id, plain)), row.id, row.version, JSON.stringify(row.secrets)]
      )
      if (!moved.length) throw new SecretError(`Connection "${row.connection_id}" changed while its secrets were re-encrypted: run the rotation again`)
      reencrypted++
    }
    const retired: string[] = []
    for (const [id, k] of await this.keys()) {
      if (k.status !== "retiring") continue
      const pattern = `%"v1.${id.replace(/[\\%_]/g, "\\$&")}.%`
      const [still] = await this.execute<{ n: string }>(`SELECT count(*) AS n FROM stored_connection WHERE deleted_at IS NULL AND secrets::text LIKE ?`, [pattern])
      if (Number(still.n) > 0) continue
      await this.execute(`UPDATE secret_key SET status = 'retired', wrapped = '', retired_at = now(), updated_at = now() WHERE id = ?`, [id])
      retired.push(id)
    }
    this.keys_ = undefined
    return { active: active.id, reencrypted, retired }
  }

  /**
   * Takes a new encryptionKey: every data key wrapped under the old one (given) is re-wrapped under the configured
   * one; no secret is re-encrypted. Keys already under the configured one are left as they are.
   */
  async rewrapFrom(oldEncryptionKey: Buffer): Promise<{ rewrapped: number }> {
    const kek = this.requireKek("Re-wrapping the data keys")
    const old = keyEncryptionKey(oldEncryptionKey)
    const rows = await this.execute<KeyRow>(`SELECT id, wrapped, kek_fingerprint, status FROM secret_key WHERE deleted_at IS NULL AND status <> 'retired' AND kek_fingerprint = ?`, [old.fingerprint])
    for (const row of rows) {
      const wrapped = wrapDataKey(kek, row.id, unwrapDataKey(old, row))
      await this.execute(`UPDATE secret_key SET wrapped = ?, kek_fingerprint = ?, updated_at = now() WHERE id = ? AND kek_fingerprint = ?`, [wrapped.wrapped, wrapped.kek_fingerprint, row.id, old.fingerprint])
    }
    this.keys_ = undefined
    return { rewrapped: rows.length }
  }
}
