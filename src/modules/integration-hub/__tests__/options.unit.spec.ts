import { createMedusaContainer, MedusaError } from "@medusajs/framework/utils"
import type { LoaderOptions } from "@medusajs/framework/types"
import { TrytonErpProvider } from "../../../providers/erp-tryton/service"
import { resolveProviderClass, validatePluginOptions } from "../connections"
import validateOptionsLoader from "../loaders/validate-options"
import { formatPath } from "../../../lib/zod-issues"
import { decodeKey, timeZoneOf } from "../options"
import { AcmeErpProvider } from "./fixtures/acme-erp-provider"

const HEADER = "medusa-integration-hub: invalid plugin options:"
const PASSWORD = "hunter2-S3cret!"
const HEX_KEY = "0123456789abcdef".repeat(4)
const BASE64_KEY = Buffer.alloc(32, 7).toString("base64")
const ACME = require.resolve("./fixtures/acme-erp-provider")

const trytonOptions = (overrides: Record<string, unknown> = {}) => ({
  url: "http://erp.internal:8000",
  database: "shop",
  username: "medusa",
  password: PASSWORD,
  ...overrides,
})

const tryton = (overrides: Record<string, unknown> = {}) => ({
  id: "erp",
  kind: "erp",
  provider: "tryton",
  options: trytonOptions(),
  ...overrides,
})

const DEFAULTS = {
  connections: [],
  timeZone: "UTC",
  sourceOfTruth: { inventory: "erp", customer: "medusa", order: "medusa", price: "medusa" },
  alerts: { afterConsecutiveFailures: 3, notify: [] },
  logRetentionDays: 30,
  webhooks: { maxBodyBytes: 1_048_576, maxRejectionsPerMinute: 30 },
}

/** The error validatePluginOptions throws for `raw`, or a failure when it does not throw. */
function rejection(raw: unknown): MedusaError {
  try {
    validatePluginOptions(raw)
  } catch (err) {
    if (err instanceof MedusaError) return err
    throw err
  }
  throw new Error("expected the options to be rejected")
}

/** The problem lines of the options error `fn` throws, without the header and the "  - " bullets. */
function rejectionLines(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    const [header, ...lines] = (err as Error).message.split("\n")
    expect(header).toBe(HEADER)
    return lines.map((line) => {
      expect(line.startsWith("  - ")).toBe(true)
      return line.slice(4)
    })
  }
  throw new Error("expected the options to be rejected")
}

const problems = (raw: unknown) => rejectionLines(() => validatePluginOptions(raw))

function loaderArgs(options: Record<string, unknown>): LoaderOptions {
  return { container: createMedusaContainer(), options }
}


/** The documented retry, circuit-breaker and order-check defaults of a connection, written out (not imported from the schema). */
const RELIABILITY_DEFAULTS = {
  orderChecks: { stock: true, price: true, priceTolerancePercent: 0 },
  inventory: { importEveryMinutes: 15, fullEveryHours: 24, batchSize: 500 },
  contacts: { importEveryMinutes: 5, batchSize: 100 },
  reconciliation: { everyHours: 24, windowDays: 7, cleanDaysToGoLive: 5 },
  retry: {
    maxAttempts: 30,
    baseDelayMs: 30_000,
    maxDelayMs: 3_600_000,
    maxAgeMs: 259_200_000,
    inPlace: { retries: 4, baseDelayMs: 250, maxDelayMs: 2_000, budgetRatio: 1 },
  },
  circuitBreaker: { windowMs: 60_000, minRequests: 10, failureRate: 0.7, openMs: 30_000, probes: 3 },
}
describe("validatePluginOptions: defaults", () => {
  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["an empty object", {}],
  ])("fills every default for %s", (_, raw) => {
    expect(validatePluginOptions(raw)).toEqual(DEFAULTS)
  })

  it("fills the defaults of a connection and leaves its provider options as given", () => {
    expect(validatePluginOptions({ connections: [tryton()] })).toEqual({
      ...DEFAULTS,
      connections: [
        {
          id: "erp",
          kind: "erp",
          provider: "tryton",
          options: trytonOptions(),
          enabled: true,
          fulfilment: "medusa",
          shipmentImportEveryMinutes: 5,
          mode: "live",
          timeoutMs: 8_000,
          ...RELIABILITY_DEFAULTS,
        },
      ],
    })
  })

  it("keeps explicit values and completes a partial retry policy", () => {
    const [connection] = validatePluginOptions({
      connections: [
        tryton({ enabled: false, mode: "shadow", timeoutMs: 15_000, rateLimit: { requests: 5, perSeconds: 1 }, retry: { maxAttempts: 3 } }),
      ],
    }).connections

    expect(connection).toMatchObject({
      enabled: false,
      mode: "shadow",
      timeoutMs: 15_000,
      rateLimit: { requests: 5, perSeconds: 1 },
      retry: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAgeMs: 259_200_000 },
    })
  })

  it.each([
    ["a 64-hex key", HEX_KEY],
    ["a base64 key", BASE64_KEY],
  ])("accepts %s as encryptionKey", (_, key) => {
    expect(validatePluginOptions({ encryptionKey: key }).encryptionKey).toBe(key)
    expect(decodeKey(key)).toHaveLength(32)
  })

  it.each(["medusa", "erp", "crm", "erp-main"])("accepts %s as an owner in sourceOfTruth", (owner) => {
    const options = validatePluginOptions({
      connections: [tryton({ id: "erp-main" })],
      sourceOfTruth: { inventory: owner, "customer.email": "medusa" },
    })
    expect(options.sourceOfTruth).toEqual({ inventory: owner, "customer.email": "medusa" })
  })
})

describe("validatePluginOptions: time zone", () => {
  it.each<[string, Record<string, unknown>, string | undefined, string]>([
    ["the default, UTC", {}, undefined, "UTC"],
    ["the store's zone", { timeZone: "America/New_York" }, undefined, "America/New_York"],
    ["the connection's own zone over the store's", { timeZone: "America/New_York" }, "Europe/Berlin", "Europe/Berlin"],
    ["the connection's own zone over the default", {}, "Pacific/Kiritimati", "Pacific/Kiritimati"],
  ])("books a connection's dates in %s", (_, plugin, connectionZone, expected) => {
    const options = validatePluginOptions({ ...plugin, connections: [tryton(connectionZone ? { timeZone: connectionZone } : {})] })
    expect(timeZoneOf(options, options.connections[0])).toBe(expected)
  })
})

describe("validatePluginOptions: problems", () => {
  it("throws a MedusaError INVALID_DATA naming the option", () => {
    const err = rejection({ connections: [tryton({ options: trytonOptions({ url: undefined }) })] })

    expect(err.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(err.message).toBe(`${HEADER}\n  - connections[0].options.url: Required`)
  })

  it.each<[string, unknown, string[]]>([
    ["missing url", { connections: [tryton({ options: trytonOptions({ url: undefined }) })] }, ["connections[0].options.url: Required"]],
    [
      "missing password",
      { connections: [tryton({ options: trytonOptions({ password: undefined }) })] },
      ["connections[0].options.password: Required"],
    ],
    ["a url that is not http(s)", { connections: [tryton({ options: trytonOptions({ url: "ftp://erp" }) })] }, ["connections[0].options.url: Invalid URL"]],
    [
      "duplicate ids",
      { connections: [tryton(), tryton()] },
      ['connections[1].id: duplicate connection id "erp"'],
    ],
    [
      "kind mismatch",
      { connections: [tryton({ kind: "crm" })] },
      ['connections[0].kind: provider "tryton" is an erp provider, but the connection says "crm"'],
    ],
    ["an id with capitals", { connections: [tryton({ id: "ERP" })] }, [`connections[0].id: must be lowercase letters, digits, '-' or '_' (e.g. "erp")`]],
    ["a missing id", { connections: [tryton({ id: undefined })] }, ["connections[0].id: Required"]],
    ["a timeout below 100 ms", { connections: [tryton({ timeoutMs: 50 })] }, ["connections[0].timeoutMs: Too small: expected number to be >=100"]],
    [
      "maxDelayMs below baseDelayMs",
      { connections: [tryton({ retry: { baseDelayMs: 5_000, maxDelayMs: 1_000 } })] },
      ["connections[0].retry.maxDelayMs: must be greater than or equal to retry.baseDelayMs"],
    ],
    [
      "a short encryptionKey",
      { encryptionKey: "short" },
      ["encryptionKey: must be 32 bytes, written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)"],
    ],
    [
      "a 62-hex encryptionKey",
      { encryptionKey: HEX_KEY.slice(2) },
      ["encryptionKey: must be 32 bytes, written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)"],
    ],
    [
      "two ERP connections and inventory owned by \"erp\"",
      { connections: [tryton({ id: "tryton" }), tryton({ id: "odoo" })] },
      ['sourceOfTruth.inventory: "erp" names 2 ERP connections (tryton, odoo): name the one whose stock Medusa shows'],
    ],
    [
      "inventory owned by a connection that is not an ERP",
      { connections: [tryton(), { id: "crm", kind: "crm", provider: "sandbox-crm" }], sourceOfTruth: { inventory: "crm" } },
      ['sourceOfTruth.inventory: "crm" is not an ERP connection: stock is imported from an ERP'],
    ],
    [
      "a stock location mapping that is not Medusa's",
      { connections: [tryton({ inventory: { locations: { warehouse: "WH" } } })] },
      ["connections[0].inventory.locations.warehouse: keys are Medusa stock location ids (sloc_…)"],
    ],
    [
      "a carrier connection that ships from an ERP warehouse",
      { connections: [{ id: "carrier", kind: "shipping", provider: "sandbox-carrier", fulfilment: "erp" }] },
      ['connections[0].fulfilment: only an ERP connection\'s warehouse ships orders; "carrier" is a shipping connection'],
    ],
    [
      "two ERP connections that both ship",
      { connections: [tryton({ fulfilment: "erp" }), tryton({ id: "erp-2", fulfilment: "erp" })] },
      ["connections[1].fulfilment: only one connection may ship orders (fulfilment \"erp\"): erp, erp-2 both do"],
    ],
    [
      "an unknown fulfilment",
      { connections: [tryton({ fulfilment: "warehouse" })] },
      [expect.stringMatching(/^connections\[0\]\.fulfilment: .*"medusa".*"erp"/)],
    ],
    [
      "a legacy match without the order number",
      { connections: [tryton({ legacyMatch: { field: "reference", pattern: "WEB-" } })] },
      ['connections[0].legacyMatch.pattern: must contain "{display_id}" (where the order number goes)'],
    ],
    [
      "a legacy match on a field the hub does not search",
      { connections: [tryton({ legacyMatch: { field: "comment", pattern: "WEB-{display_id}" } })] },
      [expect.stringMatching(/^connections\[0\]\.legacyMatch\.field: .*"reference".*"description"/)],
    ],
    [
      "a legacy match on a connection that is not an ERP",
      { connections: [{ id: "crm", kind: "crm", provider: "sandbox-crm", legacyMatch: { field: "reference", pattern: "WEB-{display_id}" } }] },
      [`connections[0].legacyMatch: only ERP connections match a legacy integration's sales; "crm" is a crm connection`],
    ],
    [
      "a reconciliation window of no days",
      { connections: [tryton({ reconciliation: { windowDays: 0 } })] },
      [expect.stringMatching(/^connections\[0\]\.reconciliation\.windowDays: /)],
    ],
    [
      "an unknown owner in sourceOfTruth",
      { sourceOfTruth: { inventory: "warehouse" } },
      ['sourceOfTruth.inventory: "warehouse" is not "medusa", "latest", a connection kind or a connection id'],
    ],
    [
      "latest-wins for an entity no CRM shares",
      { sourceOfTruth: { inventory: "latest" } },
      ['sourceOfTruth.inventory: "latest" (latest change wins) is supported for customer fields, which a CRM shares; give inventory one owner'],
    ],
    ["a redisUrl that is not redis", { redisUrl: "http://cache:6379" }, ["redisUrl: must be a redis:// or rediss:// URL"]],
    ["an unknown time zone", { timeZone: "America/Gotham" }, ['timeZone: "America/Gotham" is not a time zone: give an IANA name, e.g. "America/New_York" (or "UTC")']],
    ["an offset abbreviation as time zone", { timeZone: "EST+5" }, ['timeZone: "EST+5" is not a time zone: give an IANA name, e.g. "America/New_York" (or "UTC")']],
    ["an empty time zone", { timeZone: "" }, ['timeZone: "" is not a time zone: give an IANA name, e.g. "America/New_York" (or "UTC")']],
    ["a time zone that is not text", { timeZone: -5 }, ["timeZone: Invalid input: expected string, received number"]],
    [
      "an unknown time zone of a connection",
      { connections: [tryton({ timeZone: "Europe/Atlantis" })] },
      ['connections[0].timeZone: "Europe/Atlantis" is not a time zone: give an IANA name, e.g. "America/New_York" (or "UTC")'],
    ],
    ["a log retention of zero days", { logRetentionDays: 0 }, ["logRetentionDays: Too small: expected number to be >=1"]],
    ["a webhook body limit under 1 KB", { webhooks: { maxBodyBytes: 10 } }, ["webhooks.maxBodyBytes: Too small: expected number to be >=1024"]],
    ["an alert address that is not an e-mail", { alerts: { notify: ["ops"] } }, ["alerts.notify[0]: Invalid email address"]],
    ["connections that are not a list", { connections: "erp" }, ["connections: Invalid input: expected array, received string"]],
    ["options that are not an object", "tryton", ["(root): Invalid input: expected object, received string"]],
  ])("reports %s", (_, raw, expected) => {
    expect(problems(raw)).toEqual(expected)
  })

  it("reports an unknown provider name", () => {
    const lines = problems({ connections: [tryton({ provider: "nope" })] })

    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^connections\[0\]\.provider: "nope" is neither a built-in provider \("tryton"(, "[a-z-]+")*\) nor a path that resolves \(/)
  })

  it("reports every problem of the options schema in one error", () => {
    expect(
      problems({
        connections: [tryton({ id: "ERP", timeoutMs: 50 })],
        redisUrl: "http://cache:6379",
        encryptionKey: "short",
      })
    ).toEqual([
      `connections[0].id: must be lowercase letters, digits, '-' or '_' (e.g. "erp")`,
      "connections[0].timeoutMs: Too small: expected number to be >=100",
      "redisUrl: must be a redis:// or rediss:// URL",
      "encryptionKey: must be 32 bytes, written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)",
    ])
  })

  it("reports every problem of the connections' providers in one error", () => {
    expect(
      problems({
        connections: [tryton({ kind: "crm", options: {} }), tryton({ id: "erp-2", options: trytonOptions({ invoiceMethod: "weekly" }) })],
      })
    ).toEqual([
      'connections[0].kind: provider "tryton" is an erp provider, but the connection says "crm"',
      "connections[0].options.url: Required",
      "connections[0].options.database: Required",
      "connections[0].options.username: Required",
      "connections[0].options.password: Required",
      'connections[1].options.invoiceMethod: Invalid option: expected one of "order"|"shipment"|"manual"',
    ])
  })

  it.each<[string, unknown]>([
    ["a kind mismatch", { connections: [tryton({ kind: "crm" })] }],
    ["a bad url", { connections: [tryton({ options: trytonOptions({ url: "not a url" }) })] }],
    ["a bad invoice method", { connections: [tryton({ options: trytonOptions({ invoiceMethod: PASSWORD }) })] }],
    ["a password of the wrong type", { connections: [tryton({ options: trytonOptions({ password: 12345678, url: undefined }) })] }],
    ["a schema problem elsewhere", { connections: [tryton({ timeoutMs: 1 })], encryptionKey: PASSWORD }],
    ["a duplicate id", { connections: [tryton(), tryton()] }],
  ])("never puts the password in the message (%s)", (_, raw) => {
    const { message } = rejection(raw)
    expect(message.startsWith(HEADER)).toBe(true)
    expect(message).not.toContain(PASSWORD)
    expect(message).not.toContain("12345678")
  })
})

describe("third-party providers", () => {
  it.each<[string, () => unknown]>([
    ["a ModuleProvider export", () => ({ default: { services: [AcmeErpProvider] } })],
    ["a CommonJS ModuleProvider export", () => ({ services: [AcmeErpProvider] })],
    ["the class as default export", () => ({ default: AcmeErpProvider })],
    ["the class itself", () => AcmeErpProvider],
  ])("resolves %s", (_, load) => {
    expect(resolveProviderClass("acme-erp", 0, load)).toBe(AcmeErpProvider)
  })

  it("resolves a built-in name without loading anything", () => {
    const load = jest.fn()
    expect(resolveProviderClass("tryton", 0, load)).toBe(TrytonErpProvider)
    expect(load).not.toHaveBeenCalled()
  })

  it("resolves the fixture file through its path", () => {
    expect(resolveProviderClass(ACME, 0)).toBe(AcmeErpProvider)
  })

  it.each<[string, () => unknown]>([
    ["an empty module", () => ({})],
    ["an empty services list", () => ({ default: { services: [] } })],
    ["a class without validateOptions", () => ({ default: class NotAProvider {} })],
  ])("rejects %s", (_, load) => {
    expect(() => resolveProviderClass("acme-erp", 2, load)).toThrow(
      `${HEADER}\n  - connections[2].provider: "acme-erp" does not export a provider class (ModuleProvider with services: [YourProvider] and a static validateOptions)`
    )
  })

  it("names only the first line of a resolve failure", () => {
    const load = () => {
      throw new Error("Cannot find module 'acme-erp'\nRequire stack:\n- /srv/store/medusa-config.ts")
    }
    const lines = rejectionLines(() => resolveProviderClass("acme-erp", 0, load))

    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^connections\[0\]\.provider: "acme-erp" is neither a built-in provider \("tryton"(, "[a-z-]+")*\) nor a path that resolves \(Cannot find module 'acme-erp'\)$/
    )
  })

  it("lets the provider validate its own options", () => {
    expect(problems({ connections: [{ id: "acme", kind: "erp", provider: ACME, options: {} }] })).toEqual([
      "connections[0].options.apiKey: Required",
    ])
  })

  it("checks the provider's kind", () => {
    expect(problems({ connections: [{ id: "acme", kind: "crm", provider: ACME, options: { apiKey: "k" } }] })).toEqual([
      `connections[0].kind: provider "${ACME}" is an erp provider, but the connection says "crm"`,
    ])
  })

  it("accepts valid options", () => {
    const options = validatePluginOptions({ connections: [{ id: "acme", kind: "erp", provider: ACME, options: { apiKey: "k" } }] })

    expect(options.connections).toEqual([
      {
        id: "acme",
        kind: "erp",
        provider: ACME,
        options: { apiKey: "k" },
        enabled: true,
        fulfilment: "medusa",
        shipmentImportEveryMinutes: 5,
        mode: "live",
        timeoutMs: 8_000,
        ...RELIABILITY_DEFAULTS,
      },
    ])
  })
})

describe("validate-options loader", () => {
  it("rejects invalid options with the same message", async () => {
    const raw = { connections: [{ id: "acme", kind: "erp", provider: ACME, options: {} }] }

    await expect(validateOptionsLoader(loaderArgs(raw))).rejects.toThrow(
      `${HEADER}\n  - connections[0].options.apiKey: Required`
    )
  })

  it("resolves for valid options", async () => {
    await expect(
      validateOptionsLoader(loaderArgs({ connections: [{ id: "acme", kind: "erp", provider: ACME, options: { apiKey: "k" } }] }))
    ).resolves.toBeUndefined()
  })

  it("accepts a plugin registered without options", async () => {
    await expect(validateOptionsLoader({ container: createMedusaContainer() })).resolves.toBeUndefined()
  })
})

describe("formatPath", () => {
  it.each<[PropertyKey[], string]>([
    [["connections", 0, "options", "url"], "connections[0].options.url"],
    [["alerts", "notify", 2], "alerts.notify[2]"],
    [["encryptionKey"], "encryptionKey"],
    [[], ""],
  ])("%j → %j", (path, expected) => {
    expect(formatPath(path)).toBe(expected)
  })
})

describe("validatePluginOptions: every problem at once", () => {
  it("reports provider options even when another option is wrong", () => {
    expect(problems({ encryptionKey: "short", connections: [tryton({ options: {} })] })).toEqual([
      "encryptionKey: must be 32 bytes, written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)",
      "connections[0].options.url: Required",
      "connections[0].options.database: Required",
      "connections[0].options.username: Required",
      "connections[0].options.password: Required",
    ])
  })

  it("keeps checking the next connections after an unknown provider", () => {
    const lines = problems({ connections: [tryton({ id: "a", provider: "nope" }), tryton({ id: "b", options: {} })], sourceOfTruth: { inventory: "b" } })
    expect(lines[0]).toMatch(/^connections\[0\]\.provider: "nope" is neither a built-in provider/)
    expect(lines.slice(1)).toEqual([
      "connections[1].options.url: Required",
      "connections[1].options.database: Required",
      "connections[1].options.username: Required",
      "connections[1].options.password: Required",
    ])
  })

  it("explains what a sourceOfTruth key must look like", () => {
    expect(problems({ sourceOfTruth: { Inventory: "erp" } })).toEqual([
      'sourceOfTruth.Inventory: keys are entity or "entity.field" names in lower case, e.g. "inventory" or "customer.email"',
    ])
  })

  it("refuses a passphrase that merely decodes to 32 bytes as an encryptionKey", () => {
    const passphrase = "my-super-secret-store-key-for-integrations1"
    expect(decodeKey(passphrase)).toBeNull()
    expect(problems({ encryptionKey: passphrase })[0]).toMatch(/^encryptionKey: must be 32 bytes/)
  })
})
