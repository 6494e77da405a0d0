import StripeProviderService from "@medusajs/payment-stripe/dist/services/stripe-provider"
import type { StripeOptions } from "@medusajs/payment-stripe/dist/types"
import Stripe from "stripe"

/** Medusa's Stripe provider options, plus where the Stripe API is (the test double) instead of api.stripe.com. */
export type StripeTestProviderOptions = StripeOptions & {
  /** Host of the Stripe API; default 127.0.0.1. */
  apiHost?: string
  /** Port of the Stripe API (the test double's). */
  apiPort: number
  /** Default http: the double does not speak TLS. */
  apiProtocol?: "http" | "https"
}

/**
 * For the test app only: Medusa's own Stripe payment provider, unchanged but for its client, which talks to the
 * Stripe test double. Identifier `stripe`, so Medusa names it `pp_stripe_<id>` as it does the real one.
 */
export class StripeTestProviderService extends StripeProviderService {
  constructor(cradle: Record<string, unknown>, options: StripeTestProviderOptions) {
    super(cradle, options)
    if (!Number.isInteger(options.apiPort)) throw new Error("Required option `apiPort` (the Stripe test double's port) is missing")
    this.stripe_ = new Stripe(options.apiKey, { host: options.apiHost ?? "127.0.0.1", port: options.apiPort, protocol: options.apiProtocol ?? "http" })
  }
}
