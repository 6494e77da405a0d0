import type { INotificationModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId, Modules } from "@medusajs/framework/utils"
import type { Settlement } from "../modules/integration-hub/service"
import { hubOf } from "./hub"

export const ALERT_TEMPLATE = "integration-hub-connection-alert"

/**
 * Counts a run's outcome against its connection and, when that crosses the threshold, sends one alert (after
 * `alerts.afterConsecutiveFailures` failed runs in a row) or one recovery notice (after as many successes in a
 * row once alerted): the hysteresis keeps a flapping vendor from an alert storm. The decision is one atomic
 * update of the connection's durable state, so several instances send it once. Deferred runs (circuit open)
 * and skips are no news.
 */
export async function noteConnectionOutcome(container: MedusaContainer, connectionId: string, settlement: Settlement): Promise<void> {
  const failed = settlement.status === "failed" || settlement.status === "dead"
  if (!failed && settlement.status !== "synced") return
  const hub = hubOf(container)
  const threshold = hub.pluginOptions.alerts.afterConsecutiveFailures
  const change = await hub.recordConnectionOutcome(connectionId, failed, threshold)
  if (failed && CREDENTIAL_CODES.has(settlement.code)) await alertCredentialsRefused(container, connectionId, settlement.code)
  if (!change) return
  const lastError = failed ? settlement.error : null
  await sendAlert(container, connectionId, change === "alert"
    ? {
        state: "failing",
        title: `Integration "${connectionId}" is failing`,
        description: `The last ${threshold} syncs on connection "${connectionId}" failed in a row. Last error: ${lastError?.replace(/\.$/, "")}. Failures that can pass are retried; the others wait for a person on their order's Integrations box.`,
      }
    : {
        state: "recovered",
        title: `Integration "${connectionId}" recovered`,
        description: `Connection "${connectionId}" synced ${threshold} times in a row again; waiting syncs resume.`,
      })
}

/** Failures that say the vendor refused the connection's credentials (or holds no grant for it). */
const CREDENTIAL_CODES = new Set(["http_401", "http_403", "oauth_grant_revoked", "oauth_not_connected"])

/**
 * The vendor refused the credentials: one alert naming the options to fix (or Connect, for OAuth), sent once until
 * the connection succeeds again (its idempotency key is the connection's last success), by any instance.
 */
async function alertCredentialsRefused(container: MedusaContainer, connectionId: string, code: string): Promise<void> {
  const hub = hubOf(container)
  const connection = hub.findConnection(connectionId)
  if (!connection) return
  const [state] = await hub.execute<{ last_success_at: Date | null }>(`SELECT last_success_at FROM connection_state WHERE deleted_at IS NULL AND connection_id = ?`, [connectionId])
  const since = state?.last_success_at ? new Date(state.last_success_at).toISOString() : "never"
  const options = hub.catalog.credentialOptionsOf(connectionId)
  const oauth = code.startsWith("oauth_")
  const fix = oauth
    ? `connect it again from Integrations → ${connectionId} → Settings (Connect)`
    : `check ${options.length ? `the option${options.length === 1 ? "" : "s"} ${options.join(", ")}` : "its credentials"} (${hub.catalog.sourceOf(connectionId) === "stored" ? `Integrations → ${connectionId} → Settings` : "medusa-config and its environment variables"})`
  await sendAlert(container, connectionId, {
    state: "credentials_refused",
    title: oauth ? `Integration "${connectionId}" needs reconnecting` : `Integration "${connectionId}" credentials refused`,
    description: `${oauth ? "The vendor holds no valid grant for" : "The vendor refused the credentials (HTTP " + code.slice(5) + ") of"} connection "${connectionId}": ${fix}. Its records wait and are retried; none is lost.`,
    idempotencyKey: `credentials:${connectionId}:${since}`,
  })
}

export type StaffAlert = {
  state: string
  title: string
  description: string
  /** The e-mail template (the feed uses Medusa's "admin-ui"). */
  template?: string
  /** The record it is about, for the notification's resource fields. */
  resource?: { type: string; id: string }
  /** Sends it once: a notification with this key is not sent again, by any instance. */
  idempotencyKey?: string
  data?: Record<string, unknown>
}

/**
 * Through Medusa's Notification module: the admin feed, and an e-mail to each `alerts.notify` address (template
 * `integration-hub-connection-alert` unless the alert names another). A channel without a provider is logged,
 * never thrown: an alert must not fail the sync that raised it. The text has no personal data (errors are
 * redacted before they get here). Each alert is kept in the history the console shows (alert_log), whatever it
 * reached. Returns the channels it reached.
 */
export async function sendAlert(container: MedusaContainer, connectionId: string, alert: StaffAlert): Promise<string[]> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const line = `integration-hub: ${alert.title}: ${alert.description}`
  if (alert.state === "recovered" || alert.state === "report") logger.info(line)
  else logger.warn(line)
  const data = { connection_id: connectionId, state: alert.state, title: alert.title, description: alert.description, ...alert.data }
  const resource = alert.resource ? { resource_type: alert.resource.type, resource_id: alert.resource.id } : {}
  const hub = hubOf(container)
  const messages = [
    { to: "", channel: "feed", template: "admin-ui", data, ...resource },
    ...hub.pluginOptions.alerts.notify.map((to) => ({ to, channel: "email", template: alert.template ?? ALERT_TEMPLATE, data, ...resource })),
  ]
  const reached: string[] = []
  const notifications = container.hasRegistration(Modules.NOTIFICATION) ? container.resolve<INotificationModuleService>(Modules.NOTIFICATION) : null
  for (const [i, message] of messages.entries()) {
    if (!notifications) break
    const idempotency_key = alert.idempotencyKey ? `${alert.idempotencyKey}:${message.channel}:${i}` : undefined
    try {
      await notifications.createNotifications({ ...message, ...(idempotency_key ? { idempotency_key } : {}) })
      reached.push(message.channel)
    } catch (err) {
      logger.warn(`integration-hub: could not send the ${message.channel} alert for connection "${connectionId}": ${(err as Error).message}`)
    }
  }
  await recordAlert(container, connectionId, alert, messages.map((m) => ({ channel: m.channel, to: m.to || null })), reached)
  return reached
}

/** Keeps the alert in the history the console shows (once per idempotency key); never fails the caller. */
async function recordAlert(container: MedusaContainer, connectionId: string, alert: StaffAlert, recipients: Array<{ channel: string; to: string | null }>, reached: string[]) {
  try {
    await hubOf(container).execute(
      `INSERT INTO alert_log (id, connection_id, state, title, description, recipients, reached, resource_type, resource_id, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL AND deleted_at IS NULL DO NOTHING`,
      [generateEntityId(undefined, "ialr"), connectionId, alert.state, alert.title, alert.description, JSON.stringify(recipients), JSON.stringify(reached),
        alert.resource?.type ?? null, alert.resource?.id ?? null, alert.idempotencyKey ?? null]
    )
  } catch (err) {
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: could not keep the alert for connection "${connectionId}" in its history: ${(err as Error).message}`)
  }
}
