import type { Logger } from "@medusajs/framework/types"
import type { CallLogEntry } from "../../../lib/http/call-recorder"
import { REDACTED } from "../../../lib/http/redact"
import type { ProviderStateStore } from "../../../providers/types"
import { memoryCredentialStore } from "../../../testing/erp-contract"
import { ConnectionRegistry, validatePluginOptions } from "../connections"
import { RecordingErpProvider } from "./fixtures/recording-erp-provider"

const RECORDING = require.resolve("./fixtures/recording-erp-provider")
const noop = () => undefined
const logger = { warn: noop, info: noop, error: noop, debug: noop } as unknown as Logger
const state: ProviderStateStore = { get: async () => null, set: async () => undefined, delete: async () => undefined, next: async () => 1, consume: async () => null }

describe("ConnectionRegistry: call logs", () => {
  it("scrubs every credential of the connection's options, nested ones too, though the provider named only its top-level key", async () => {
    const options = validatePluginOptions({
      connections: [
        {
          id: "acme",
          kind: "erp",
          provider: RECORDING,
          options: { apiKey: "k-acme-top-level", oauth: { clientId: "shop-app", clientSecret: "cs-acme-oauth", refreshToken: "rt-acme-refresh" } },
        },
      ],
    })
    const logs: CallLogEntry[] = []
    const registry = new ConnectionRegistry(options, { logSink: async (entry) => void logs.push(entry), stateFor: () => state, credentialsFor: () => memoryCredentialStore(), logger })
    const provider = registry.provider("acme")
    if (!(provider instanceof RecordingErpProvider)) throw new Error("expected the recording fixture provider")

    const finish = provider.recorder.begin("refresh the OAuth token", { body: "refresh_token=rt-acme-refresh&client_id=shop-app", key: "k-acme-top-level" })
    await finish({ status: "error", response: { echo: "client cs-acme-oauth" }, error: "client cs-acme-oauth: refresh token rt-acme-refresh expired" })

    expect(logs).toHaveLength(1)
    expect({ request: logs[0].request, response: logs[0].response, error: logs[0].error }).toEqual({
      request: { body: `refresh_token=${REDACTED}&client_id=shop-app`, key: REDACTED },
      response: { echo: `client ${REDACTED}` },
      error: `client ${REDACTED}: refresh token ${REDACTED} expired`,
    })
  })
})
