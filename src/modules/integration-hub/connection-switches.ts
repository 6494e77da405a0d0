type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** A connection's mode as staff last switched it (cutover). */
export type ModeSwitch = { mode: "live" | "shadow"; changed_at: Date; changed_by: string | null }
/** A connection staff paused from the admin: its records wait (recorded, not run) until it is resumed. */
export type Pause = { paused_at: Date; paused_by: string | null; reason: string | null }

type Switches = { modes: Map<string, ModeSwitch>; pauses: Map<string, Pause> }

/** How stale an instance's view of the switches may be: a switch on one instance reaches the others within it. */
const TTL_MS = 5_000

/**
 * What staff switched per connection, kept in its `connection_state` row for every instance and restart: the mode
 * (live or shadow, the cutover) and whether it is paused. Read from the database at most every TTL_MS; `*Now` answer
 * at once from the last read (refreshed in the background), for code that cannot wait.
 */
export class ConnectionSwitches {
  private read_?: { at: number; switches: Promise<Switches> }
  private last_: Switches = { modes: new Map(), pauses: new Map() }

  constructor(
    private readonly execute: Execute,
    private readonly ensureState: (connectionId: string) => Promise<void>,
    private readonly configuredMode: (connectionId: string) => "live" | "shadow" | undefined
  ) {}

  modeNow(connectionId: string): "live" | "shadow" {
    this.switches().catch(() => undefined)
    return this.last_.modes.get(connectionId)?.mode ?? this.configuredMode(connectionId) ?? "live"
  }

  /** The mode a connection runs in now: the one staff last switched it to, else its options' `mode`. */
  async modeOf(connectionId: string): Promise<"live" | "shadow"> {
    return (await this.switches()).modes.get(connectionId)?.mode ?? this.configuredMode(connectionId) ?? "live"
  }

  async modeSwitches(): Promise<Map<string, ModeSwitch>> {
    return (await this.switches()).modes
  }

  pauseNow(connectionId: string): Pause | null {
    this.switches().catch(() => undefined)
    return this.last_.pauses.get(connectionId) ?? null
  }

  async pauseOf(connectionId: string): Promise<Pause | null> {
    return (await this.switches()).pauses.get(connectionId) ?? null
  }

  /** Switches a connection's mode; returns the mode it had. */
  async switchMode(connectionId: string, mode: "live" | "shadow", actorId: string | null): Promise<"live" | "shadow"> {
    const before = await this.modeOf(connectionId)
    await this.ensureState(connectionId)
    await this.execute(
      `UPDATE connection_state SET mode = ?, mode_changed_at = now(), mode_changed_by = ?, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ?`,
      [mode, actorId, connectionId]
    )
    await this.refresh()
    return before
  }

  /** Pauses (with staff's reason) or resumes a connection; returns whether that changed anything. */
  async setPaused(connectionId: string, paused: boolean, actorId: string | null, reason: string | null): Promise<boolean> {
    await this.ensureState(connectionId)
    const rows = await this.execute(
      paused
        ? `UPDATE connection_state SET paused_at = now(), paused_by = ?, paused_reason = ?, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ? AND paused_at IS NULL RETURNING id`
        : `UPDATE connection_state SET paused_at = NULL, paused_by = NULL, paused_reason = NULL, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ? AND paused_at IS NOT NULL RETURNING id`,
      paused ? [actorId, reason, connectionId] : [connectionId]
    )
    await this.refresh()
    return rows.length > 0
  }

  private async refresh(): Promise<void> {
    this.read_ = undefined
    await this.switches()
  }

  private switches(): Promise<Switches> {
    if (!this.read_ || Date.now() - this.read_.at > TTL_MS) {
      const switches = this.execute<{ connection_id: string; mode: "live" | "shadow" | null; mode_changed_at: Date | null; mode_changed_by: string | null; paused_at: Date | null; paused_by: string | null; paused_reason: string | null }>(
        `SELECT connection_id, mode, mode_changed_at, mode_changed_by, paused_at, paused_by, paused_reason FROM connection_state
          WHERE deleted_at IS NULL AND (mode IS NOT NULL OR paused_at IS NOT NULL)`,
        []
      ).then((rows) => {
        const modes = new Map<string, ModeSwitch>()
        const pauses = new Map<string, Pause>()
        for (const r of rows) {
          if (r.mode) modes.set(r.connection_id, { mode: r.mode, changed_at: new Date(r.mode_changed_at!), changed_by: r.mode_changed_by })
          if (r.paused_at) pauses.set(r.connection_id, { paused_at: new Date(r.paused_at), paused_by: r.paused_by, reason: r.paused_reason })
        }
        return (this.last_ = { modes, pauses })
      })
      this.read_ = { at: Date.now(), switches }
      switches.catch(() => (this.read_ = undefined))
    }
    return this.read_.switches
  }
}
