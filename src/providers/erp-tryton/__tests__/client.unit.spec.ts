import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import { CallRecorder } from "../../../lib/http/call-recorder"
import { HttpClient } from "../../../lib/http/client"
import { IntegrationError } from "../../../lib/errors"
import { TrytonClient } from "../client"
import { trytonOptionsSchema } from "../types"

/** Answers like trytond: the login and preferences succeed, every other method gets the error under test. */
function trytondAnswering(error: [string, unknown[]]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string }
      const result = method === "common.db.login" ? [1, "session"] : method === "model.res.user.get_preferences" ? {} : undefined
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(result === undefined ? { id, error } : { id, result }))
    })
  })
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })))
}

async function failureOf(error: [string, unknown[]]): Promise<IntegrationError> {
  const { server, url } = await trytondAnswering(error)
  try {
    const recorder = new CallRecorder({ connectionId: "erp", secrets: [], log: async () => undefined })
    const client = new TrytonClient(
      new HttpClient({ baseURL: url, timeoutMs: 2_000, recorder }),
      trytonOptionsSchema.parse({ url, database: "shop", username: "admin", password: "pw" })
    )
    return (await client.model("party.party", "create", [[{ name: "Jane" }]]).catch((e: unknown) => e)) as IntegrationError
  } finally {
    server.close()
  }
}

describe("TrytonClient: Tryton's errors, classified", () => {
  it.each<[string, [string, unknown[]], { code: string; retryable: boolean }]>([
    ["bad data is permanent", ["UserError", ["The value of the field \"Name\" on \"Party\" is not valid.", ""]], { code: "tryton_user_error", retryable: false }],
    ["two parties drawing one sequence code is a race: retried", ["UserError", ["The code on party must be unique.", ""]], { code: "tryton_conflict", retryable: true }],
    ["a concurrent write is retried", ["ConcurrencyException", ["Records were modified in the meanwhile"]], { code: "tryton_server_error", retryable: true }],
    ["a missing module is permanent", ["KeyError", ["party.party"]], { code: "tryton_server_error", retryable: false }],
  ])("%s", async (_, error, expected) => {
    const failure = await failureOf(error)
    expect(failure).toBeInstanceOf(IntegrationError)
    expect({ code: failure.code, retryable: failure.retryable }).toEqual(expected)
    expect(failure.message).toContain("model.party.party.create")
  })
})
