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
      { message: "Order #1042 is a draft; it is sent when placed", code: "skipped", retryable: false, skip: true, skipCode: "skipped" },
    ],
    [
      "SyncSkipped after a JSON round trip",
      serialized(new SyncSkipped("Order #1042 was canceled before it reached erp; nothing to send")),
      { message: "Order #1042 was canceled before it reached erp; nothing to send", code: "skipped", retryable: false, skip: true, skipCode: "skipped" },
    ],
    [
      "an object named SyncSkipped without the flag",
      { name: "SyncSkipped", message: "nothing to send" },
      { message: "nothing to send", code: "skipped", retryable: false, skip: true, skipCode: "skipped" },
    ],
    [
      "SyncSkipped with a code, after a JSON round trip",
      serialized(new SyncSkipped("shadow mode: the cancel was not sent", "shadow")),
      { message: "shadow mode: the cancel was not sent", code: "skipped", retryable: false, skip: true, skipCode: "shadow" },
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
      { message: "connection terminated", code: "transient_error", retryable: true, skip: false },
    ],
    [
      "a MedusaError CONFLICT (a lock held elsewhere)",
      new MedusaError(MedusaError.Types.CONFLICT, "order_01 is locked"),
      { message: "order_01 is locked", code: "transient_error", retryable: true, skip: false },
    ],
    // Data errors and bugs fail the same way on every attempt: permanent, they wait for a person.
    [
      "a plain Error (a mapping or formatting bug)",
      new Error("Cannot read properties of undefined (reading 'id')"),
      { message: "Cannot read properties of undefined (reading 'id')", code: "error", retryable: false, skip: false },
    ],
    [
      "a TypeError after a JSON round trip",
      serialized(new TypeError("amount.toFixed is not a function")),
      { message: "amount.toFixed is not a function", code: "TypeError", retryable: false, skip: false },
    ],
    [
      "a RangeError from amount formatting",
      new RangeError("toFixed() digits argument must be between 0 and 100"),
      { message: "toFixed() digits argument must be between 0 and 100", code: "RangeError", retryable: false, skip: false },
    ],
    ["a string", "workflow step timed out", { message: "workflow step timed out", code: "error", retryable: false, skip: false }],
    ["an empty string", "", { message: "Unknown error", code: "error", retryable: false, skip: false }],
    ["an Error without a message", new Error(""), { message: "Unknown error", code: "error", retryable: false, skip: false }],
    // Failures of the database or the network beneath us pass by themselves: retried.
    [
      "a Node network error (ECONNRESET)",
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      { message: "read ECONNRESET", code: "transient_error", retryable: true, skip: false },
    ],
    [
      "PostgreSQL shutting down (57P01)",
      serialized(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })),
      { message: "terminating connection due to administrator command", code: "transient_error", retryable: true, skip: false },
    ],
    [
      "a serialization failure (40001)",
      Object.assign(new Error("could not serialize access"), { code: "40001" }),
      { message: "could not serialize access", code: "transient_error", retryable: true, skip: false },
    ],
    [
      "a MikroORM ConnectionException",
      { name: "ConnectionException", message: "connect ECONNREFUSED 127.0.0.1:5432" },
      { message: "connect ECONNREFUSED 127.0.0.1:5432", code: "transient_error", retryable: true, skip: false },
    ],
    [
      "a unique violation (23505) is data, not an outage",
      Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" }),
      { message: "duplicate key value violates unique constraint", code: "error", retryable: false, skip: false },
    ],
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
