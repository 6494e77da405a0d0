import { existsSync, mkdirSync } from "node:fs"
import path from "node:path"
import type { Browser, Page } from "playwright-core"

/** Debian's Chromium, driven by playwright-core (PEERS.md). */
export const CHROMIUM = "/usr/bin/chromium"
/** Where the browser tests save their screenshots (copied to docs/images by hand when they change). */
export const ARTIFACTS = path.join(__dirname, "..", "..", "test-artifacts")

const strict = process.env.CI === "true" || process.env.REQUIRE_PEERS === "1"

/** `describe` when Chromium is there or peers are required (then a missing one fails); else skipped, saying why. */
export const describeWithChromium: jest.Describe = existsSync(CHROMIUM) || strict ? describe : describe.skip
if (!existsSync(CHROMIUM)) console.log(`[skip] ${CHROMIUM} not installed (apt-get install chromium); browser test skipped`)

/** The PostgreSQL the other suites use (DB_HOST, DB_USERNAME, DB_PASSWORD, DB_PORT), with a database of this test's own. */
export function testDatabaseUrl(name: string): string {
  const user = encodeURIComponent(process.env.DB_USERNAME || "postgres")
  const password = process.env.DB_PASSWORD ? `:${encodeURIComponent(process.env.DB_PASSWORD)}` : ""
  return `postgres://${user}${password}@${process.env.DB_HOST || "localhost"}:${process.env.DB_PORT || "5432"}/${name}`
}

/** Headless Chromium and a page of 1440 × 1000 that accepts downloads; the artifacts folder exists after. */
export async function launchChromium(): Promise<{ browser: Browser; page: Page }> {
  const { chromium } = await import("playwright-core")
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  })
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  return { browser, page: await context.newPage() }
}

/** Logs the page into the store's admin (it lands on the orders list). */
export async function logInToAdmin(page: Page, store: { url: string; admin: { email: string; password: string } }): Promise<void> {
  await page.goto(`${store.url}/app/login`)
  await page.fill('input[name="email"]', store.admin.email)
  await page.fill('input[name="password"]', store.admin.password)
  await page.click('button[type="submit"]')
  await page.waitForURL(/\/app\/orders/, { timeout: 60_000 })
}
