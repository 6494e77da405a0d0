import type { Logger } from "@medusajs/framework/types"
import type { ConnectionRegistry } from "./connections"
import type { StoredConnections } from "./stored-connections"

/** How often each instance looks for connections changed from the admin (on any instance). */
export const STORED_CONNECTIONS_POLL_MS = 2_000

/**
 * Keeps this instance's registry in step with the connections stored from the admin: loads them when the app starts,
 * then reads them every STORED_CONNECTIONS_POLL_MS (one small query; a connection is rebuilt only when its version
 * changed), so a change made on any instance runs everywhere within seconds, without a restart. What cannot run
 * (an id medusa-config has too, a secret that does not open) is said once per version in the log and kept in
 * `problems` for the admin.
 */
export class StoredConnectionSync {
  private first_?: Promise<void>
  private timer_?: NodeJS.Timeout
  private chain_: Promise<void> = Promise.resolve()
  /** Reads asked for and not finished: the poll adds none while one is. */
  private pending_ = 0
  private readonly said = new Set<string>()
  problems = new Map<string, string>()

  constructor(readonly store: StoredConnections, private readonly registry: () => ConnectionRegistry, private readonly logger: Logger) {}

  /** Resolves once the stored connections were read the first time (or could not be: then only medusa-config's run). */
  ready(): Promise<void> {
    this.first_ ??= this.refresh().catch((err: Error) => {
      this.logger.warn(`integration-hub: could not read the connections stored from the admin (${err.message}); only those of medusa-config run until they can be read`)
    })
    return this.first_
  }

  /**
   * Reads the stored connections and applies every change, after any read already under way (which may have started
   * before the change the caller just wrote): one read at a time, each seeing what was written before it was asked for.
   */
  refresh(): Promise<void> {
    const next = this.chain_.catch(() => undefined).then(() => this.apply())
    this.chain_ = next
    this.pending_++
    return next.finally(() => this.pending_--)
  }

  private async apply(): Promise<void> {
    const { stored, problems } = await this.store.load()
    const { clashes } = this.registry().applyStored(stored)
    for (const id of clashes) {
      problems.set(id, `a connection "${id}" is in medusa-config too: the one in medusa-config runs, this one does not (delete it or give it another id)`)
    }
    for (const [id, problem] of problems) {
      const key = `${id}:${problem}`
      if (this.said.has(key)) continue
      this.said.add(key)
      this.logger.warn(`integration-hub: stored connection "${id}" does not run: ${problem}`)
    }
    this.problems = problems
  }

  start(): void {
    if (this.timer_) return
    this.timer_ = setInterval(() => {
      if (this.pending_ > 0) return
      this.refresh().catch((err: Error) => this.logger.debug?.(`integration-hub: stored connections not read this time: ${err.message}`))
    }, STORED_CONNECTIONS_POLL_MS)
    this.timer_.unref()
  }

  stop(): void {
    clearInterval(this.timer_)
    this.timer_ = undefined
  }
}
