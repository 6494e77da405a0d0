import { REDACTED, redact, redactString, secretValues } from "../redact"

describe("redact: credentials", () => {
  it.each<[string, unknown, unknown]>([
    ["password", { password: "hunter2" }, { password: REDACTED }],
    ["passwd-like key", { db_pass: "hunter2" }, { db_pass: REDACTED }],
    ["token", { access_token: "abc123" }, { access_token: REDACTED }],
    ["api_key", { api_key: "k-123" }, { api_key: REDACTED }],
    ["apiKey", { apiKey: "k-123" }, { apiKey: REDACTED }],
    ["Authorization header", { headers: { Authorization: "Bearer abc" } }, { headers: { Authorization: REDACTED } }],
    ["session", { session: "0f3c" }, { session: REDACTED }],
    ["client_secret", { client_secret: "s" }, { client_secret: REDACTED }],
    ["an object under a secret key", { token: { value: "abc", expires: 3600 } }, { token: REDACTED }],
    ["an array under a secret key", { authorization: ["Bearer abc"] }, { authorization: REDACTED }],
    ["deep inside arrays", { calls: [[{ auth: { password: "hunter2" } }]] }, { calls: [[{ auth: { password: REDACTED } }]] }],
    ["null under a secret key", { password: null }, { password: null }],
    ["undefined under a secret key", { password: undefined }, { password: undefined }],
  ])("%s", (_, input, expected) => {
    expect(redact(input)).toEqual(expected)
  })
})

describe("redact: personal data", () => {
  it.each([
    "email",
    "e-mail",
    "phone",
    "mobile",
    "street",
    "city",
    "postal_code",
    "zip",
    "name",
    "first_name",
    "last_name",
    "Name",
  ])("redacts %s", (key) => {
    expect(redact({ [key]: "Jane personal value" })).toEqual({ [key]: REDACTED })
  })

  it("redacts a numeric personal value too", () => {
    expect(redact({ postal_code: 4101 })).toEqual({ postal_code: REDACTED })
  })

  it.each<[string, unknown]>([
    ["sku", "SHIRT-BLUE-M"],
    ["quantity", 2],
    ["unit_price", "19.90"],
    ["state", "confirmed"],
    ["type", "email"],
    ["method", "model.sale.sale.create"],
    ["country", 42],
    ["active", true],
  ])("keeps the non-personal field %s", (key, value) => {
    expect(redact({ [key]: value })).toEqual({ [key]: value })
  })

  it("walks into an object under a personal-looking key instead of dropping it", () => {
    expect(redact({ address: { street: "12 Harbour Street", country: 42 } })).toEqual({
      address: { street: REDACTED, country: 42 },
    })
  })
})

describe("redact: structure", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["undefined", undefined],
    ["a number", 19.9],
    ["a boolean", false],
    ["an empty array", []],
    ["an empty object", {}],
  ])("passes %s through", (_, value) => {
    expect(redact(value)).toEqual(value)
  })

  it("keeps null and undefined values of ordinary keys", () => {
    expect(redact({ number: null, reference: undefined })).toEqual({ number: null, reference: undefined })
  })

  it("cuts nesting deeper than 8 levels", () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: "too deep" } } } } } } } } }
    expect(redact(deep)).toEqual({ a: { b: { c: { d: { e: { f: { g: { h: "[truncated]" } } } } } } } })
  })

  it("does not change its input", () => {
    const input = { password: "hunter2", items: [{ name: "Jane" }] }
    redact(input)
    expect(input).toEqual({ password: "hunter2", items: [{ name: "Jane" }] })
  })

  it("leaves nothing of a customer in a Tryton party.party.create call", () => {
    const body = {
      id: 1,
      method: "model.party.party.create",
      params: [
        [
          {
            name: "Jane Doe",
            addresses: [["create", [{ street: "12 Harbour Street", city: "Portland", postal_code: "04101", country: 42 }]]],
            contact_mechanisms: [
              ["create", [{ type: "email", value: "jane@example.com" }, { type: "phone", value: "+1 207 555 0100" }]],
            ],
          },
        ],
        { company: 1 },
      ],
    }

    const redacted = redact(body)
    const text = JSON.stringify(redacted)

    expect(redacted).toEqual({
      id: 1,
      method: "model.party.party.create",
      params: [
        [
          {
            name: REDACTED,
            addresses: [["create", [{ street: REDACTED, city: REDACTED, postal_code: REDACTED, country: 42 }]]],
            contact_mechanisms: [["create", [{ type: "email", value: REDACTED }, { type: "phone", value: REDACTED }]]],
          },
        ],
        { company: 1 },
      ],
    })
    for (const personal of ["Jane", "Doe", "Harbour", "Portland", "04101", "jane@example.com", "555"]) {
      expect(text).not.toContain(personal)
    }
    expect(text).toContain("model.party.party.create")
    expect(text).toContain('"type":"email"')
  })

  it("removes an e-mail used in a Tryton search domain", () => {
    const body = { params: [[["type", "=", "email"], ["value", "=", "jane@example.com"]], 0, 1] }
    expect(redact(body)).toEqual({ params: [[["type", "=", "email"], ["value", "=", REDACTED]], 0, 1] })
  })

  it("removes configured secrets from every string, at any depth", () => {
    const body = { params: ["medusa", { note: "logged in with S3cretPass!" }], error: ["S3cretPass! rejected"] }
    expect(redact(body, ["S3cretPass!"])).toEqual({
      params: ["medusa", { note: `logged in with ${REDACTED}` }],
      error: [`${REDACTED} rejected`],
    })
  })
})

describe("redactString", () => {
  it.each([
    ["an e-mail", "Party jane.doe+shop@example.co.uk already exists", `Party ${REDACTED} already exists`],
    ["an e-mail in brackets", "Contact <jane@example.com>.", `Contact <${REDACTED}>.`],
    ["an international phone", "Call +1 (207) 555-0100 before delivery", `Call ${REDACTED} before delivery`],
    ["a dotted phone", "tel 0612.34.56.78", `tel ${REDACTED}`],
    ["text without personal data", "Sale SO-42 is confirmed", "Sale SO-42 is confirmed"],
    ["a short number", "Quantity 12 of SKU 1042", "Quantity 12 of SKU 1042"],
    ["an amount", "Total 1234.50 USD", "Total 1234.50 USD"],
  ])("removes %s", (_, input, expected) => {
    expect(redactString(input)).toBe(expected)
  })

  it.each([
    ["a configured secret anywhere", "user medusa, password hunter22, again hunter22", ["hunter22"], `user medusa, password ${REDACTED}, again ${REDACTED}`],
    ["several secrets", "key k-abcdef and token t-123456", ["k-abcdef", "t-123456"], `key ${REDACTED} and token ${REDACTED}`],
    ["nothing when the secret is absent", "all good", ["hunter22"], "all good"],
    ["no empty secret", "all good", [""], "all good"],
    ["no secret shorter than 4 characters", "abc is a prefix", ["abc"], "abc is a prefix"],
  ])("removes %s", (_, input, secrets, expected) => {
    expect(redactString(input, secrets)).toBe(expected)
  })

  it.each([
    ["exactly 2000 characters", "x".repeat(2_000), "x".repeat(2_000)],
    ["2001 characters", "x".repeat(2_001), `${"x".repeat(2_000)}…[1 more chars]`],
    ["2500 characters", "y".repeat(2_500), `${"y".repeat(2_000)}…[500 more chars]`],
  ])("truncates a long string: %s", (_, input, expected) => {
    expect(redactString(input)).toBe(expected)
  })

  it("truncates strings inside objects too", () => {
    expect(redact({ response: "z".repeat(2_010) })).toEqual({ response: `${"z".repeat(2_000)}…[10 more chars]` })
  })
})

describe("redact: personal data in lists", () => {
  it("redacts every string in a list under a personal key", () => {
    expect(redact({ name: ["Jane Doe"], street: ["12 Harbour Street", "Flat 2"], sku: ["SHIRT-BLUE"] })).toEqual({
      name: [REDACTED],
      street: [REDACTED, REDACTED],
      sku: ["SHIRT-BLUE"],
    })
  })
})

describe("redactString: numbers that are not phone numbers", () => {
  it.each([
    ["a date", "Order 1042 was placed on 2026-11-22", "Order 1042 was placed on 2026-11-22"],
    ["a long document number", "Sale SO-000123456 confirmed", "Sale SO-000123456 confirmed"],
    ["an ISO timestamp", "at 2026-11-22T05:55:54Z", "at 2026-11-22T05:55:54Z"],
    ["a US number", "call 555-123-4567", "call [redacted]"],
    ["an international number", "call +1 207 555 0134", "call [redacted]"],
  ])("%s", (_, input, expected) => {
    expect(redactString(input)).toBe(expected)
  })
})

describe("secretValues: the credential values of an options object, at any depth", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a top-level key", { url: "https://erp.example.com", apiKey: "k-top-level" }, ["k-top-level"]],
    [
      "an OAuth block",
      { oauth: { clientId: "shop-app", clientSecret: "cs-oauth-secret", refreshToken: "rt-oauth-refresh" } },
      ["cs-oauth-secret", "rt-oauth-refresh"],
    ],
    ["an array of API keys", { apiKeys: ["k-primary-1", "k-rotating-2"] }, ["k-primary-1", "k-rotating-2"]],
    ["a secret under a non-secret parent", { stores: [{ region: "eu", auth: { password: "pw-eu-store" } }] }, ["pw-eu-store"]],
    ["every string inside a block under a secret key", { credentials: { user: "bot-user", pass: "pw-inner" } }, ["bot-user", "pw-inner"]],
    ["a value found twice, once", { password: "pw-twice", backup: { password: "pw-twice" } }, ["pw-twice"]],
    [
      "nothing of non-secret nested values",
      { url: "https://erp.example.com", oauth: { clientId: "shop-app", scopes: ["read", "write"] }, warehouses: [{ code: "WH1", retries: 3 }] },
      [],
    ],
    ["no empty, null or non-string value", { apiKey: "", secret: null, tokens: [undefined, 42, true] }, []],
  ])("%s", (_, options, expected) => {
    expect(secretValues(options)).toEqual(expected)
  })

  it("walks 8 levels deep and no further, like redact", () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { token: "t-level-8", h: { token: "t-level-9" } } } } } } } } }
    expect(secretValues({ ...deep, i: { token: "t-level-2" } })).toEqual(["t-level-8", "t-level-2"])
  })

  it("survives a cycle and still finds a shared block under a secret key", () => {
    const shared: Record<string, unknown> = { value: "sv-shared-1" }
    const options: Record<string, unknown> = { plain: shared, token: shared }
    options.self = options
    expect(secretValues(options)).toEqual(["sv-shared-1"])
  })

  it("scrubs a nested secret from an error message and from a logged call", () => {
    const secrets = secretValues({ oauth: { clientSecret: "cs-oauth-secret", refreshToken: "rt-oauth-refresh" } })
    expect(redactString("refresh with rt-oauth-refresh failed (client cs-oauth-secret)", secrets)).toBe(
      `refresh with ${REDACTED} failed (client ${REDACTED})`
    )
    expect(redact({ body: "grant_type=refresh_token&refresh_token=rt-oauth-refresh" }, secrets)).toEqual({
      body: `grant_type=refresh_token&refresh_token=${REDACTED}`,
    })
  })
})
