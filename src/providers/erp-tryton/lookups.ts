import { IntegrationError } from "../../lib/errors"
import { TtlCache } from "../../lib/ttl-cache"
import type { TrytonClient } from "./client"
import type { TrytonOptions } from "./types"

/**
 * How long a country Tryton does not have is taken as absent: an address is then made without a country (not an
 * error), and a database without countries would otherwise be asked again on every new customer.
 */
const COUNTRY_MISS_TTL_MS = 5 * 60_000

/** Ids Tryton does not change (a country, a currency, a tax, the warehouse, a payment method), each read once per process. */
export class TrytonLookups {
  private readonly cache = new Map<string, Promise<number | null>>()
  private readonly missingCountries = new TtlCache<true>(COUNTRY_MISS_TTL_MS, 500)
  private companyCurrency?: Promise<string | null>

  constructor(private readonly client: TrytonClient, private readonly options: TrytonOptions, private readonly connectionId: string) {}

  /**
   * An id Tryton does not change (a country, a currency, the warehouse), read once. A miss is not kept: a store
   * owner who creates the missing currency in Tryton and presses Retry is not refused again until a restart.
   */
  lookup(key: string, load: () => Promise<number | null>): Promise<number | null> {
    let hit = this.cache.get(key)
    if (!hit) {
      hit = load()
      this.cache.set(key, hit)
      hit.then(
        (id) => id === null && this.cache.delete(key),
        () => this.cache.delete(key)
      )
    }
    return hit
  }

  countryId(code: string | null): Promise<number | null> {
    if (!code) return Promise.resolve(null)
    const key = code.toUpperCase()
    if (this.missingCountries.get(key)) return Promise.resolve(null)
    return this.lookup(`country:${key}`, async () => {
      const ids = await this.client.model<number[]>("country.country", "search", [[["code", "=", key]], 0, 1, null])
      if (!ids.length) this.missingCountries.set(key, true)
      return ids[0] ?? null
    })
  }

  taxId(name: string): Promise<number | null> {
    return this.lookup(`tax:${name}`, async () => {
      const ids = await this.client.model<number[]>("account.tax", "search", [[["name", "=", name]], 0, 1, null])
      return ids[0] ?? null
    })
  }

  currencyId(code: string): Promise<number | null> {
    return this.lookup(`currency:${code.toUpperCase()}`, async () => {
      const ids = await this.client.model<number[]>("currency.currency", "search", [[["code", "=", code.toUpperCase()]], 0, 1, null])
      return ids[0] ?? null
    })
  }

  /** The warehouse of that code, or of options.warehouseCode, or the first one. */
  async warehouseId(warehouse?: string | null): Promise<number> {
    const code = warehouse ?? this.options.warehouseCode
    const id = await this.lookup(`warehouse:${code ?? "*"}`, async () => {
      const domain: unknown[] = [["type", "=", "warehouse"]]
      if (code) domain.push(["code", "=", code])
      const ids = await this.client.model<number[]>("stock.location", "search", [domain, 0, 1, [["id", "ASC"]]])
      return ids[0] ?? null
    })
    if (id === null) {
      throw this.permanent(
        `Tryton has no warehouse${code ? ` with code "${code}"` : ""}: check ${warehouse ? "inventory.locations" : "options.warehouseCode"} of connection "${this.connectionId}"`,
        "tryton_no_warehouse"
      )
    }
    return id
  }

  async paymentMethodId(): Promise<number> {
    const name = this.options.paymentMethod
    const id = await this.lookup(`payment-method:${name ?? "*"}`, async () => {
      const ids = await this.client.model<number[]>("account.invoice.payment.method", "search", [name ? [["name", "=", name]] : [], 0, 1, [["id", "ASC"]]])
      return ids[0] ?? null
    })
    if (id === null) {
      throw this.permanent(
        `Tryton has no invoice payment method${name ? ` named "${name}"` : ""} to register payments with: create one (Accounting > Configuration > Payment Methods)${name ? " or correct options.paymentMethod" : ""} on connection "${this.connectionId}", then retry.`,
        "tryton_no_payment_method"
      )
    }
    return id
  }

  /** The code of the currency Tryton keeps list prices in (the user's company's), read once. */
  async companyCurrencyCode(): Promise<string | null> {
    this.companyCurrency ??= (async () => {
      const prefs = await this.client.model<{ company?: number | null }>("res.user", "get_preferences", [true])
      if (!prefs.company) return null
      const [company] = await this.client.model<Array<{ currency: number }>>("company.company", "read", [[prefs.company], ["currency"]])
      const [currency] = await this.client.model<Array<{ code: string }>>("currency.currency", "read", [[company.currency], ["code"]])
      return currency?.code ?? null
    })()
    this.companyCurrency.catch(() => (this.companyCurrency = undefined))
    return this.companyCurrency
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
