import { expiringCredentials } from "../credential-expiry"

describe("credentials about to expire", () => {
  const now = new Date("2026-12-07T10:00:00Z")

  it("announces what ends within 14 days or has ended, soonest first, and nothing later", () => {
    expect(expiringCredentials({ apiKey: "2026-12-21", webhookSecret: "2026-12-22", password: "2026-12-01", token: "2026-12-08" }, now)).toEqual([
      { option: "password", date: "2026-12-01", days: -6 },
      { option: "token", date: "2026-12-08", days: 1 },
      { option: "apiKey", date: "2026-12-21", days: 14 },
    ])
  })

  it("says nothing without dates", () => {
    expect(expiringCredentials(undefined, now)).toEqual([])
  })
})
