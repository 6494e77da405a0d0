import { defaultCurrencies } from "@medusajs/framework/utils"

/** Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3), from Medusa's own currency table. */
export function currencyDigits(currencyCode: string): number {
  return defaultCurrencies[currencyCode.toUpperCase()]?.decimal_digits ?? 2
}
