import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUserAccountWorkflow } from "@medusajs/medusa/core-flows"

export const ADMIN = { email: "ops@example.com", password: "Ops-Pa55word!" }

/** Creates an admin user the way `medusa user` does (emailpass identity + user) and logs it in through the API. */
export async function adminHeaders(
  container: MedusaContainer,
  api: { post: (url: string, body: unknown) => Promise<{ data: { token: string } }> }
): Promise<{ headers: { authorization: string } }> {
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", { body: ADMIN })
  if (!authIdentity) throw new Error(`could not register the admin identity: ${error}`)
  await createUserAccountWorkflow(container).run({ input: { authIdentityId: authIdentity.id, userData: { email: ADMIN.email } } })
  const { data } = await api.post("/auth/user/emailpass", ADMIN)
  return { headers: { authorization: `Bearer ${data.token}` } }
}
