import { formOf } from "../../../console/option-form"
import { HubSpotCrmProvider } from "../service"
import { HUBSPOT_SCOPES, hubSpotOptionsSchema } from "../types"

const TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
const OAUTH = { clientId: "5d3c1b7e-1111-4222-8333-944445555666", clientSecret: "cs-unit-secret" }

describe("HubSpot options: a private app token or a public app's OAuth, exactly one", () => {
  it("takes a private app token alone, as before", () => {
    expect(() => HubSpotCrmProvider.validateOptions({ accessToken: TOKEN })).not.toThrow()
    expect(hubSpotOptionsSchema.parse({ accessToken: TOKEN })).toMatchObject({ accessToken: TOKEN, baseUrl: "https://api.hubapi.com" })
  })

  it("takes oauth alone, with HubSpot's endpoints and the adapter's scopes by default", () => {
    expect(() => HubSpotCrmProvider.validateOptions({ oauth: OAUTH })).not.toThrow()
    expect(hubSpotOptionsSchema.parse({ oauth: OAUTH }).oauth).toEqual({
      ...OAUTH, scopes: [...HUBSPOT_SCOPES], apiBaseUrl: "https://api.hubapi.com", authorizeUrl: "https://app.hubspot.com/oauth/authorize",
    })
  })

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["neither", {}, /^accessToken: is required unless oauth is set: set either accessToken .* or oauth /],
    ["both", { accessToken: TOKEN, oauth: OAUTH }, /^oauth: cannot be set together with accessToken: set either accessToken .* or oauth .*not both/],
    ["oauth without its secret", { oauth: { clientId: OAUTH.clientId } }, /^oauth\.clientSecret: Required/],
  ])("refuses %s, naming the options", (_, options, message) => {
    expect(() => HubSpotCrmProvider.validateOptions(options)).toThrow(message)
  })

  it("labels every option for the admin's form; the secrets are secret", () => {
    const fields = formOf(HubSpotCrmProvider.optionsSchema!)
    expect(fields.filter((f) => !f.label || !f.help).map((f) => f.path)).toEqual([])
    expect(fields.filter((f) => f.secret).map((f) => f.path).sort()).toEqual(["accessToken", "oauth.clientSecret"])
    expect(fields.find((f) => f.path === "oauth.scopes")).toMatchObject({ type: "list", required: false })
    expect(fields.map((f) => f.path)).toEqual(expect.arrayContaining(["oauth.clientId", "oauth.apiBaseUrl", "oauth.authorizeUrl", "dealStages.placed", "portalId"]))
  })
})
