import type { ExecArgs } from "@medusajs/framework/types"
import { parseArgs } from "node:util"
import { decodeKey } from "../modules/integration-hub/options"
import { hubOf } from "../sync/hub"

const SCRIPT = "npx medusa exec ./node_modules/medusa-integration-hub/.medusa/server/src/scripts/secret-keys.js --"
const USAGE = `Usage:
  ${SCRIPT} --rotate     a new data key; every stored secret re-encrypted under it, the old key retired (encryptionKey unchanged)
  ${SCRIPT} --rewrap     take a new encryptionKey: the data keys wrapped under the old one (in INTEGRATION_HUB_OLD_ENCRYPTION_KEY)
                         are re-wrapped under the configured one; no secret is re-encrypted
  ${SCRIPT}              how the stored secrets are protected (fingerprints, data keys), never a key`

/** The data keys of the secrets stored from the admin, from the command line (the admin's Rotate does the same as --rotate). */
export default async function secretKeys({ container, args }: ExecArgs) {
  const { values } = parseArgs({ args: args.filter((a) => a !== "--"), options: { rotate: { type: "boolean" }, rewrap: { type: "boolean" } }, strict: true })
  const hub = hubOf(container)
  if (values.rotate && values.rewrap) {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  if (values.rotate) {
    const rotated = await hub.catalog.secrets.rotate()
    await hub.catalog.audit({ connection_id: "*", action: "rotate_key", actor_id: null, changed: null, note: `from the command line: data key ${rotated.active} active; ${rotated.reencrypted} connection(s) re-encrypted` })
    console.log(`Data key ${rotated.active} is active; ${rotated.reencrypted} connection(s) re-encrypted; retired: ${rotated.retired.join(", ") || "none"}`)
    return
  }
  if (values.rewrap) {
    // From the environment, not an argument: a key on the command line stays in the shell's history.
    const old = decodeKey(process.env.INTEGRATION_HUB_OLD_ENCRYPTION_KEY ?? "")
    if (!old) {
      console.error("Set INTEGRATION_HUB_OLD_ENCRYPTION_KEY to the encryptionKey the data keys are wrapped under now (64 hex characters or base64 of 32 bytes), and the plugin's encryptionKey to the new one.")
      process.exitCode = 2
      return
    }
    const { rewrapped } = await hub.catalog.secrets.rewrapFrom(old)
    console.log(`${rewrapped} data key(s) re-wrapped under the encryptionKey with fingerprint ${hub.catalog.secrets.fingerprint}; no secret was re-encrypted`)
    return
  }
  const status = await hub.catalog.secrets.status()
  console.log(status.encryption_key.set ? `encryptionKey set (fingerprint ${status.encryption_key.fingerprint})` : "No encryptionKey: connections with secrets cannot be created from the admin")
  for (const k of status.data_keys) console.log(`  ${k.id}  ${k.status.padEnd(8)}  wrapped under ${k.kek_fingerprint}  ${k.values} value(s)`)
}
