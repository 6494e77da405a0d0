import { MedusaError } from "@medusajs/framework/utils"
import { describeFailure, FailureInfo, IntegrationError, SyncSkipped } from "../errors"

const rateLimited = () =>
  new IntegrationError('Tryton sale.sale.create failed on connection "erp": HTTP 429 (will retry)', {
    connectionId: "erp",
    code: "http_429",
    retryable: true,
    httpStatus: 429,
    retryAfterMs: 7_000,
  })

const unknownSku = () =>
  new IntegrationError("Cannot sync order #1042 to erp: SKU SHIRT-BLUE-M does not exist in Tryton", {
    connectionId: "erp",
    code: "unknown_sku",
    retryable: false,
  })

/** What Medusa's orchestrator keeps of a thrown error: a plain object of its own fields, message and name. */
function serialized(err: Error): unknown {
  return JSON.parse(JSON.stringify({ ...err, message: err.message, name: err.name }))
}

describe("IntegrationError", () => {
  it.each([
    [rateLimited, MedusaError.Types.UNEXPECTED_STATE],
    [unknownSku, MedusaError.Types.INVALID_DATA],
  ])("maps retryable to a Medusa error type (case %#)", (make, type) => {
    const err = make()
    expect({ name: err.name, type: err.type, isMedusaError: MedusaError.isMedusaError(err) }).toEqual({
      name: "IntegrationError",
      type,
      isMedusaError: true,
    })
  })
})

describe("describeFailure", () => {
  it.each<[string, unknown, FailureInfo]>([
    [
      "a live retryable IntegrationError",
      rateLimited(),
      {
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 429 (will retry)',
        code: "http_429",
        retryable: true,
        skip: false,
        retryAfterMs: 7_000,
      },
    ],
    [
      "a retryable IntegrationError after a JSON round trip",
      serialized(rateLimited()),
      {
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 429 (will retry)',
        code: "http_429",
        retryable: true,
        skip: false,
        retryAfterMs: 7_000,
      },
    ],
    [
      "a live permanent IntegrationError",
      unknownSku(),
      {
        message: "Cannot sync order #1042 to erp: SKU SHIRT-BLUE-M does not exist in Tryton",
        code: "unknown_sku",
        retryable: false,
        skip: false,
        retryAfterMs: undefined,
      },
    ],
    [
      "a permanent IntegrationError after a JSON round trip",
      serialized(unknownSku()),
      {
        message: "Cannot sync order #1042 to erp: SKU SHIRT-BLUE-M does not exist in Tryton",
        code: "unknown_sku",
        retryable: false,
        skip: false,
        retryAfterMs: undefined,
      },
    ],
    [
      "a retryable flag without a code",
      { message: "vendor hiccup", retryable: true },
      { message: "vendor hiccup", code: "integration_error", retryable: true, skip: false, retryAfterMs: undefined },
    ],
    [
      "SyncSkipped",
      new SyncSkipped("Order #1042 is a draft; it is sent when placed"),
      { message: "Order #1042 is a draft; it is sent when placed", code: "skipped", retryable: false, skip: true },
    ],
    [
      "SyncSkipped after a JSON round trip",
      serialized(new SyncSkipped("Order #1042 was canceled before it reached erp; nothing to send")),
      { message: "Order #1042 was canceled before it reached erp; nothing to send", code: "skipped", retryable: false, skip: true },
    ],
    [
      "an object named SyncSkipped without the flag",
      { name: "SyncSkipped", message: "nothing to send" },
      { message: "nothing to send", code: "skipped", retryable: false, skip: true },
    ],
    [
      "a MedusaError INVALID_DATA",
      new MedusaError(MedusaError.Types.INVALID_DATA, "Variant variant_01 does not exist"),
      { message: "Variant variant_01 does not exist", code: "invalid_data", retryable: false, skip: false },
    ],
    [
      "a MedusaError NOT_FOUND after a JSON round trip",
      serialized(new MedusaError(MedusaError.Types.NOT_FOUND, "Order with id: order_01 was not found")),
      { message: "Order with id: order_01 was not found", code: "not_found", retryable: false, skip: false },
    ],
    [
      "a MedusaError DB_ERROR",
      new MedusaError(MedusaError.Types.DB_ERROR, "connection terminated"),
      { message: "connection terminated", code: "unexpected_error", retryable: true, skip: false },
    ],
    [
      "a plain Error",
      new Error("Cannot read properties of undefined (reading 'id')"),
      { message: "Cannot read properties of undefined (reading 'id')", code: "unexpected_error", retryable: true, skip: false },
    ],
    [
      "a string",
      "workflow step timed out",
      { message: "workflow step timed out", code: "unexpected_error", retryable: true, skip: false },
    ],
    ["an empty string", "", { message: "Unknown error", code: "unexpected_error", retryable: true, skip: false }],
    ["an Error without a message", new Error(""), { message: "Unknown error", code: "unexpected_error", retryable: true, skip: false }],
  ])("%s", (_, err, expected) => {
    expect(describeFailure(err)).toStrictEqual(expected)
  })

  it("does not carry the cause of an IntegrationError through serialization", () => {
    const err = new IntegrationError("Tryton login failed", {
      connectionId: "erp",
      code: "network",
      retryable: true,
      cause: { config: { headers: { authorization: "Session c2VjcmV0" } } },
    })

    expect((err as { cause?: unknown }).cause).toEqual({ config: { headers: { authorization: "Session c2VjcmV0" } } })
    expect(JSON.stringify(serialized(err))).not.toContain("c2VjcmV0")
  })
})
