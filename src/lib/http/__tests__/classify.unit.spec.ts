import { AxiosError, AxiosHeaders, AxiosResponse, InternalAxiosRequestConfig } from "axios"
import { IntegrationError } from "../../errors"
import { classifyHttpError, isRetryableStatus, parseRetryAfter } from "../classify"

const CONNECTION = "erp"
const WHAT = "Tryton sale.sale.create"
const TIMEOUT_MS = 8_000
const TOKEN = "Session dXNlcjoxOnMzY3IzdC10b2tlbg=="

/** The config axios attaches to every error: it carries the Authorization header of the call. */
function requestConfig(): InternalAxiosRequestConfig {
  return {
    method: "post",
    baseURL: "http://erp.internal:8000",
    url: "/shop/",
    timeout: TIMEOUT_MS,
    headers: new AxiosHeaders({ authorization: TOKEN, "content-type": "application/json" }),
    data: '{"id":1,"method":"model.sale.sale.create","params":[]}',
  }
}

function httpError(status: number, headers: Record<string, string> = {}): AxiosError {
  const config = requestConfig()
  const response: AxiosResponse = {
    status,
    statusText: `status ${status}`,
    headers: new AxiosHeaders(headers),
    config,
    data: { error: "upstream says no" },
  }
  const code = status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST
  return new AxiosError(`Request failed with status code ${status}`, code, config, {}, response)
}

function networkError(message: string, code?: string): AxiosError {
  return new AxiosError(message, code, requestConfig(), {})
}

/** What a failure looks like once Medusa stores it: own enumerable fields only. */
const serialized = (err: IntegrationError) => JSON.stringify({ ...err, message: err.message })

describe("isRetryableStatus", () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [301, false],
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])("HTTP %i → %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected)
  })
})

describe("parseRetryAfter", () => {
  const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT")

  it.each<[unknown, number | undefined]>([
    ["7", 7_000],
    ["0", 0],
    ["120", 120_000],
    [" 5 ", 5_000],
    ["1.5", 1_500],
    ["-3", 0],
    ["Wed, 21 Oct 2026 07:28:30 GMT", 30_000],
    ["Wed, 21 Oct 2026 08:28:00 GMT", 3_600_000],
    ["Wed, 21 Oct 2026 07:27:00 GMT", 0], // already past: retry now
    ["soon", undefined],
    ["abc", undefined],
    ["", undefined],
    ["   ", undefined],
    [7, undefined],
    [undefined, undefined],
    [null, undefined],
  ])("%j → %s", (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected)
  })
})

describe("classifyHttpError", () => {
  type Expected = { code: string; retryable: boolean; httpStatus?: number; retryAfterMs?: number; message: string }

  it.each<[string, () => unknown, Expected]>([
    [
      "503 with Retry-After",
      () => httpError(503, { "retry-after": "7" }),
      {
        code: "http_503",
        retryable: true,
        httpStatus: 503,
        retryAfterMs: 7_000,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 503 (will retry)',
      },
    ],
    [
      "429 with Retry-After",
      () => httpError(429, { "retry-after": "30" }),
      {
        code: "http_429",
        retryable: true,
        httpStatus: 429,
        retryAfterMs: 30_000,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 429 (will retry)',
      },
    ],
    [
      "500 ignores Retry-After (only 429/503 carry one)",
      () => httpError(500, { "retry-after": "7" }),
      {
        code: "http_500",
        retryable: true,
        httpStatus: 500,
        retryAfterMs: undefined,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 500 (will retry)',
      },
    ],
    [
      "503 without Retry-After",
      () => httpError(503),
      {
        code: "http_503",
        retryable: true,
        httpStatus: 503,
        retryAfterMs: undefined,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 503 (will retry)',
      },
    ],
    [
      "422 is permanent",
      () => httpError(422),
      {
        code: "http_422",
        retryable: false,
        httpStatus: 422,
        retryAfterMs: undefined,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 422',
      },
    ],
    [
      "401 is permanent",
      () => httpError(401),
      {
        code: "http_401",
        retryable: false,
        httpStatus: 401,
        retryAfterMs: undefined,
        message: 'Tryton sale.sale.create failed on connection "erp": HTTP 401',
      },
    ],
    [
      "ECONNREFUSED",
      () => networkError("connect ECONNREFUSED 127.0.0.1:8000", "ECONNREFUSED"),
      {
        code: "network",
        retryable: true,
        message:
          'Could not reach connection "erp" (ECONNREFUSED during Tryton sale.sale.create): is the server up and its URL right? (will retry)',
      },
    ],
    [
      "ENOTFOUND",
      () => networkError("getaddrinfo ENOTFOUND erp.internal", "ENOTFOUND"),
      {
        code: "network",
        retryable: true,
        message:
          'Could not reach connection "erp" (ENOTFOUND during Tryton sale.sale.create): is the server up and its URL right? (will retry)',
      },
    ],
    [
      "ECONNABORTED timeout",
      () => networkError("timeout of 8000ms exceeded", AxiosError.ECONNABORTED),
      {
        code: "timeout",
        retryable: true,
        message: 'Tryton sale.sale.create timed out after 8000 ms on connection "erp" (will retry)',
      },
    ],
    [
      "ETIMEDOUT",
      () => networkError("connect ETIMEDOUT 10.0.0.5:8000", AxiosError.ETIMEDOUT),
      {
        code: "timeout",
        retryable: true,
        message: 'Tryton sale.sale.create timed out after 8000 ms on connection "erp" (will retry)',
      },
    ],
    [
      "a network code found on the cause",
      () => {
        const err = networkError("socket hang up")
        err.cause = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })
        return err
      },
      {
        code: "network",
        retryable: true,
        message:
          'Could not reach connection "erp" (ECONNRESET during Tryton sale.sale.create): is the server up and its URL right? (will retry)',
      },
    ],
    [
      "no answer for a reason axios does not name (a socket closed mid-answer) is retryable",
      () => networkError("socket hang up"),
      {
        code: "network",
        retryable: true,
        message: 'Tryton sale.sale.create failed on connection "erp": socket hang up (will retry)',
      },
    ],
    [
      "a plain Error is ours (a bug, a body we could not read), not the network's: permanent",
      () => new Error("boom"),
      {
        code: "unexpected_error",
        retryable: false,
        message: 'Tryton sale.sale.create failed on connection "erp": boom',
      },
    ],
    [
      "a database failure under the call (writing its log row) passes by itself: retryable",
      () => Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" }),
      {
        code: "transient_error",
        retryable: true,
        message: 'Tryton sale.sale.create failed on connection "erp": Connection terminated unexpectedly (will retry)',
      },
    ],
    [
      "a thrown string is permanent too",
      () => "socket closed",
      {
        code: "unexpected_error",
        retryable: false,
        message: 'Tryton sale.sale.create failed on connection "erp": socket closed',
      },
    ],
  ])("%s", (_, makeError, expected) => {
    const err = classifyHttpError(makeError(), CONNECTION, WHAT, TIMEOUT_MS)

    expect(err).toBeInstanceOf(IntegrationError)
    expect({
      code: err.code,
      retryable: err.retryable,
      httpStatus: err.httpStatus,
      retryAfterMs: err.retryAfterMs,
      message: err.message,
    }).toEqual(expected)
    expect(err.connectionId).toBe("erp")
    expect(err.message).toContain('connection "erp"')
    expect(err.message).not.toContain(TOKEN)
    expect(serialized(err)).not.toContain(TOKEN)
  })

  it("keeps the original failure as a non-enumerable cause", () => {
    const original = httpError(503)
    const err = classifyHttpError(original, CONNECTION, WHAT, TIMEOUT_MS)

    expect((err as { cause?: unknown }).cause).toBe(original)
    expect(Object.keys(err)).not.toContain("cause")
  })

  it("puts the configured timeout in the message", () => {
    const err = classifyHttpError(networkError("timeout of 2500ms exceeded", AxiosError.ECONNABORTED), "crm", "HubSpot contacts.search", 2_500)

    expect(err.message).toBe('HubSpot contacts.search timed out after 2500 ms on connection "crm" (will retry)')
  })

  it("returns an IntegrationError unchanged", () => {
    const given = new IntegrationError("Tryton refused sale.sale.create: no price list", {
      connectionId: "erp",
      code: "tryton_user_error",
      retryable: false,
    })

    expect(classifyHttpError(given, CONNECTION, WHAT, TIMEOUT_MS)).toBe(given)
  })
  it("reads the vendor's own header when a 429 carries no Retry-After, and prefers Retry-After when both are sent", () => {
    const interval = (headers: Record<string, unknown>) => (headers["x-hubspot-ratelimit-interval-milliseconds"] ? Number(headers["x-hubspot-ratelimit-interval-milliseconds"]) : undefined)
    const vendorOnly = classifyHttpError(httpError(429, { "x-hubspot-ratelimit-interval-milliseconds": "10000" }), "crm", "HubSpot contacts.create", TIMEOUT_MS, interval)
    expect(vendorOnly).toMatchObject({ code: "http_429", retryable: true, retryAfterMs: 10_000 })
    const both = classifyHttpError(httpError(429, { "retry-after": "2", "x-hubspot-ratelimit-interval-milliseconds": "10000" }), "crm", "HubSpot contacts.create", TIMEOUT_MS, interval)
    expect(both.retryAfterMs).toBe(2_000)
    expect(classifyHttpError(httpError(400, { "x-hubspot-ratelimit-interval-milliseconds": "10000" }), "crm", "HubSpot contacts.create", TIMEOUT_MS, interval).retryAfterMs).toBeUndefined()
  })
})
