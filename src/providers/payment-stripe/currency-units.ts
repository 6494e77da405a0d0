import { MathBN } from "@medusajs/framework/utils"

/*
 * How Stripe's API counts amounts (docs.stripe.com/currencies, "Minor units in API amounts"), which is not ISO 4217's
 * minor unit that Medusa's currency table holds: Stripe counts every currency in hundredths unless it lists it as
 * zero-decimal or three-decimal. So COP, HUF, IDR, ISK, PKR, TZS… (no minor unit in ISO) are still hundredths at
 * Stripe; ISK amounts must be whole krónur (divisible by 100) and HUF and TWD payouts whole units, but all three are
 * two-decimal in the API. Sent three-decimal amounts must end in 0; the adapter only reads amounts, so that rule
 * does not arise here. Medusa's own Stripe provider (get-smallest-unit) counts IQD in thousandths too; Stripe lists
 * it in neither group, so it is hundredths here.
 */
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"])
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"])

function stripeDigits(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase()
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2
}

/** How many of Stripe's amount units make one unit of the currency (USD 100, JPY 1, KWD 1000, COP 100). */
export function stripeUnitsPerMajor(currency: string): 1 | 100 | 1000 {
  const digits = stripeDigits(currency)
  return digits === 0 ? 1 : digits === 2 ? 100 : 1000
}

/** An amount as Stripe sends it, as a decimal string of the currency's units ("45.00" USD, "4500" JPY, "5000.00" COP). */
export function toMajor(minor: number, currency: string): string {
  return MathBN.div(minor, stripeUnitsPerMajor(currency)).toFixed(stripeDigits(currency))
}
