import type { MedusaContainer } from "@medusajs/framework/types"
import { importContactsIfDue } from "../sync/contact-import"

/**
 * Every minute: takes the changes made in each CRM that owns or shares customer fields into Medusa, when
 * `contacts.importEveryMinutes` have passed since its last look (the interval is an option, so the job checks).
 */
export default async function importContactsJob(container: MedusaContainer) {
  await importContactsIfDue(container)
}

export const config = { name: "integration-hub-import-contacts", schedule: "* * * * *" }
