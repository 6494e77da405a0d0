import { defaultCurrencies, MathBN } from "@medusajs/framework/utils"

/** Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3), from Medusa's own currency table. */
export function currencyDigits(currencyCode: string): number {
  return defaultCurrencies[currencyCode.toUpperCase()]?.decimal_digits ?? 2
}

/**
 * What is left between Medusa's total and an ERP's, when it is only rounding: an ERP rounds each line and its
 * taxes by its own rules, Medusa rounds once at the end, so they may differ by a minor unit per line. Returns the
 * difference to book as a rounding line ("0.00" when there is none), or null when it is more than rounding (a
 * wrong tax mapping, a price the ERP changed).
 */
export function roundingDifference(medusaTotal: string, erpTotal: string, digits: number, lines: number): string | null {
  const difference = MathBN.sub(medusaTotal, erpTotal)
  const tolerance = MathBN.mult(lines + 1, MathBN.convert(10).pow(-digits))
  if (MathBN.gt(difference.abs(), tolerance)) return null
  return difference.toFixed(digits)
}
