import Medusa from "@medusajs/js-sdk"

/** The admin's own session, reused for the integration hub's admin API. */
export const sdk = new Medusa({
  baseUrl: typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__ : "/",
  auth: { type: "session" },
})
