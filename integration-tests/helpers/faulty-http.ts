import { IntegrationError } from "../../src/lib/errors"
import { HttpClient, HttpRequest, HttpResponse, Inspect } from "../../src/lib/http/client"

/** Where a fault strikes a call: before it leaves (the vendor never sees it) or after (the vendor did it, the answer is lost). */
export type FaultMoment = "before-sending" | "answer-lost"

/**
 * An HttpClient that fails chosen calls once, at a chosen moment, the way a network does: a timeout the adapter sees
 * as retryable. Lets a test stop a routine at one precise step and run it again, as the engine's retry would.
 */
export class FaultyHttpClient extends HttpClient {
  private readonly faults = new Map<string, { moment: FaultMoment; skip: number }>()
  /** Operations faulted so far, in order. */
  readonly struck: string[] = []

  /** The next call of `operation` (after `skip` more that go through) fails at `moment`; later calls go through. */
  failNext(operation: string, moment: FaultMoment, skip = 0): void {
    this.faults.set(operation, { moment, skip })
  }

  override async request<T>(req: HttpRequest, inspect?: Inspect<T>): Promise<HttpResponse<T>> {
    const fault = this.faults.get(req.operation)
    if (!fault || fault.skip-- > 0) return super.request<T>(req, inspect)
    this.faults.delete(req.operation)
    this.struck.push(req.operation)
    if (fault.moment === "answer-lost") await super.request<T>(req, inspect)
    throw new IntegrationError(`${req.operation} timed out (injected: ${fault.moment})`, { connectionId: this.connectionId, code: "timeout", retryable: true })
  }
}
