import { isAxiosError } from "axios"
import type { HttpClient } from "../../lib/http/client"
import { IntegrationError } from "../../lib/errors"
import { json2ErrorSchema, jsonRpcResponseSchema, OdooOptions } from "./types"

/** ORM methods safe to repeat in place: reads. Creates, writes and `action_*` buttons are not. */
const SAFE_METHOD = /^(search|search_read|search_count|read|fields_get|login|authenticate|version)$/
/** Exceptions that describe bad data or rights (Odoo refuses the same call again): the rest may pass. */
const PERMANENT = /(AccessDenied|AccessError|MissingError|UserError|ValidationError|RedirectWarning|ValueError|KeyError|TypeError)$/

/**
 * Thin client for Odoo's external API, in Odoo's vocabulary (models, methods, domains), over either protocol:
 * JSON-RPC (`/jsonrpc`, `common.login` then `object.execute_kw`, errors inside HTTP 200) or JSON-2 (`/json/2/
 * <model>/<method>`, a bearer API key, parameters as body keys, errors as HTTP 4xx/5xx). Every Odoo error
 * becomes an IntegrationError here and nowhere else.
 */
export class OdooClient {
  private uid?: Promise<number>
  private seq = 0

  constructor(private readonly http: HttpClient, private readonly options: OdooOptions) {}

  /**
   * `model.method(ids, **params)`: parameters are passed by name (Odoo's own names: `domain`, `fields`,
   * `vals_list`, …) under both protocols, `ids` for record methods.
   */
  async call<T>(model: string, method: string, call: { ids?: number[]; params?: Record<string, unknown> }): Promise<T> {
    const params = call.params ?? {}
    const operation = `${model}.${method}`
    if (this.options.protocol === "json2") {
      return this.json2<T>(model, method, { ...(call.ids ? { ids: call.ids } : {}), ...params }, operation)
    }
    const uid = await this.login()
    const args = call.ids ? [call.ids] : []
    return this.jsonRpc<T>("object", "execute_kw", [this.options.database, uid, this.options.apiKey, model, method, args, params], operation, SAFE_METHOD.test(method))
  }

  /** Proves the credentials: a login (JSON-RPC) or a cheap authenticated read (JSON-2). */
  async check(): Promise<void> {
    if (this.options.protocol === "json2") await this.json2("res.users", "search_count", { domain: [] }, "res.users.search_count")
    else await this.login()
  }

  private login(): Promise<number> {
    if (!this.uid) {
      const attempt = (async () => {
        const { database, username, apiKey } = this.options
        const uid = await this.jsonRpc<number | false>("common", "login", [database, username, apiKey], "common.login", true, true)
        if (typeof uid !== "number") throw this.loginRejected()
        return uid
      })()
      this.uid = attempt
      attempt.catch(() => {
        if (this.uid === attempt) this.uid = undefined
      })
    }
    return this.uid
  }

  private loginRejected(): IntegrationError {
    const who = this.options.protocol === "json2" ? "the API key" : `the login of user "${this.options.username}" with its API key`
    return new IntegrationError(
      `Odoo rejected ${who} on database "${this.options.database}" (connection "${this.http.connectionId}"): check options.apiKey${this.options.protocol === "json2" ? "" : " and options.username"}`,
      { connectionId: this.http.connectionId, code: "odoo_login_rejected", retryable: false }
    )
  }

  private async jsonRpc<T>(service: string, method: string, args: unknown[], operation: string, safe: boolean, sensitive = false): Promise<T> {
    const res = await this.http.request<unknown>(
      { method: "POST", url: "/jsonrpc", operation, data: { jsonrpc: "2.0", method: "call", id: ++this.seq, params: { service, method, args } }, sensitive, safe },
      (body) => ({ error: this.rpcError(operation, body) })
    )
    return (res.data as { result: T }).result
  }

  private rpcError(operation: string, body: unknown): IntegrationError | undefined {
    const parsed = jsonRpcResponseSchema.safeParse(body)
    if (!parsed.success) {
      return new IntegrationError(`Odoo ${operation} returned something that is not JSON-RPC on connection "${this.http.connectionId}"; is options.url an Odoo server?`, {
        connectionId: this.http.connectionId, code: "odoo_bad_response", retryable: false,
      })
    }
    if (!("error" in parsed.data)) return undefined
    const { data, message } = parsed.data.error
    return this.odooError(operation, data?.name ?? "odoo.exceptions.UnknownError", data?.message ?? message ?? "")
  }

  private async json2<T>(model: string, method: string, body: Record<string, unknown>, operation: string): Promise<T> {
    try {
      const res = await this.http.request<T>({
        method: "POST",
        url: `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
        operation,
        data: body,
        headers: { authorization: `bearer ${this.options.apiKey}`, "x-odoo-database": this.options.database },
        safe: SAFE_METHOD.test(method),
      })
      return res.data
    } catch (err) {
      // The HTTP layer classified the status; Odoo's body says which exception, in words.
      if (!(err instanceof IntegrationError) || !err.httpStatus || err.httpStatus >= 500 || err.httpStatus === 429 || err.httpStatus === 408) throw err
      if (err.httpStatus === 401) throw this.loginRejected()
      const cause = (err as { cause?: unknown }).cause
      const parsed = json2ErrorSchema.safeParse(isAxiosError(cause) ? cause.response?.data : undefined)
      throw this.odooError(operation, parsed.success && parsed.data.name ? parsed.data.name : `HTTP ${err.httpStatus}`, parsed.success ? (parsed.data.message ?? "") : "")
    }
  }

  private odooError(operation: string, name: string, message: string): IntegrationError {
    const connectionId = this.http.connectionId
    if (/AccessDenied$/.test(name)) return this.loginRejected()
    const permanent = PERMANENT.test(name) || /^HTTP 4/.test(name)
    const words = permanent ? `Odoo refused ${operation}: ${message || name}` : `Odoo ${operation} failed with ${name}${message ? `: ${message}` : ""} (will retry)`
    return new IntegrationError(words, { connectionId, code: permanent ? "odoo_user_error" : "odoo_server_error", retryable: !permanent })
  }
}
