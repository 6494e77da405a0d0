import type { MedusaContainer } from "@medusajs/framework/types"
import { warnOfExpiringCredentials } from "../console/credential-expiry"

/** Every morning: credentials that expire within 14 days (credentialsExpire), once per option and date. */
export default async function warnExpiringCredentialsJob(container: MedusaContainer) {
  await warnOfExpiringCredentials(container)
}

export const config = { name: "integration-hub-warn-expiring-credentials", schedule: "0 7 * * *" }
