import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../lib/errors"
import type { ProviderStateStore } from "./types"

/** Failures staff asked for: the next `count` calls fail this way. */
export const failureSchema = z.object({
  count: z.number().int().min(0).max(1000),
  /** "outage": retryable, like a server that is down; "reject": permanent, like a validation error. */
  kind: z.enum(["outage", "reject"]).default("outage"),
})
export type SandboxFailures = z.output<typeof failureSchema>

const FAILURES_KEY = "failures"

/**
 * A sandbox connection's simulated failures (the sandbox-failures admin route, the demo and tests), kept in its
 * provider state so that every instance sees them. Off in production unless the connection's options allow them.
 */
export class SimulatedFailures {
  constructor(
    private readonly state: ProviderStateStore,
    private readonly who: { connectionId: string; name: string },
    private readonly allowedInProduction: boolean
  ) {}

  set(failures: SandboxFailures): Promise<void> {
    return this.state.set(FAILURES_KEY, failures)
  }

  async get(): Promise<SandboxFailures> {
    return (await this.state.get<SandboxFailures>(FAILURES_KEY)) ?? { count: 0, kind: "outage" }
  }

  allowed(nodeEnv: string | undefined): boolean {
    return nodeEnv !== "production" || this.allowedInProduction
  }

  /** Takes one pending failure, if any, and throws it as the real system would fail: a 503 outage or a 422 refusal. */
  async throwIfDue(operation: string): Promise<void> {
    const failure = await this.state.consume<SandboxFailures>(FAILURES_KEY)
    if (!failure) return
    const { connectionId, name } = this.who
    if (failure.kind === "reject") {
      throw new IntegrationError(`${name} rejected ${operation} (simulated validation error; ${failure.count} more to come)`, {
        connectionId, code: "http_422", retryable: false, httpStatus: 422,
      })
    }
    throw new IntegrationError(`${name} is unavailable for ${operation} (simulated outage; ${failure.count} more to come) (will retry)`, {
      connectionId, code: "http_503", retryable: true, httpStatus: 503,
    })
  }
}

/** A provider whose connection takes simulated failures. */
export type SimulatesFailures = { readonly simulatedFailures: SimulatedFailures }
export const simulatesFailures = (provider: unknown): provider is SimulatesFailures =>
  typeof provider === "object" && provider !== null && (provider as Partial<SimulatesFailures>).simulatedFailures instanceof SimulatedFailures
