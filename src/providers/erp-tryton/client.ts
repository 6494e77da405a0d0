import type { HttpClient } from "../../lib/http/client"
import { IntegrationError } from "../../lib/errors"
import { loginResultSchema, trytonResponseSchema, TrytonOptions, TrytonResponse } from "./types"

type Session = { authorization: string; context: Record<string, unknown> }

/**
 * Calls safe to repeat in place: reads, the login, and workflow transitions (Tryton's `Workflow.transition` skips
 * records already past the transition, so a repeated `quote`, `confirm`, `receive` or `done` changes nothing). Creates, writes,
 * deletes and wizards are not: the operation around them repeats, after looking up what the first try made.
 */
export const SAFE_METHOD = /^common\.db\.login$|\.(read|search|search_read|search_count|get_preferences|quote|confirm|draft|cancel|process|post|validate_invoice|receive|done)$/

/** Tryton exception types that describe bad data or rights: retrying the same call cannot help. */
const RETRYABLE_ERROR = /Concurrency|OperationalError|locked|Timeout|RateLimit/i
/**
 * A user error that is a race, not bad data: two parties created at the same moment can draw the same code from
 * Tryton's sequence (seen on SQLite under concurrent syncs); the next try draws a new one.
 */
const RACE_USER_ERROR = /^The code on .+ must be unique\.?$/

/**
 * Thin JSON-RPC client for trytond, in Tryton's own vocabulary (models, methods, contexts).
 * Logs in lazily, keeps the session and logs in again once when Tryton answers 401 (sessions
 * expire after 5 idle minutes). Every Tryton error becomes an IntegrationError here and nowhere else.
 */
export class TrytonClient {
  private session?: Promise<Session>
  private seq = 0

  constructor(
    private readonly http: HttpClient,
    private readonly options: TrytonOptions
  ) {}

  /** `model.<model>.<method>(...args, context)` with the user's preferences as context. */
  async model<T>(model: string, method: string, args: unknown[], context: Record<string, unknown> = {}): Promise<T> {
    return this.withSession((s) =>
      this.rpc<T>(`model.${model}.${method}`, [...args, { ...s.context, ...context }], s.authorization)
    )
  }

  /** Runs a Tryton wizard from `start` through the given states, always deleting it afterwards. */
  async wizard<T>(
    name: string,
    context: Record<string, unknown>,
    run: (execute: (data: Record<string, unknown>, state: string) => Promise<T>) => Promise<T>
  ): Promise<T> {
    return this.withSession(async (s) => {
      const ctx = { ...s.context, ...context }
      const [sessionId] = await this.rpc<[number, string, string]>(`wizard.${name}.create`, [ctx], s.authorization)
      try {
        return await run((data, state) =>
          this.rpc<T>(`wizard.${name}.execute`, [sessionId, data, state, ctx], s.authorization)
        )
      } finally {
        await this.rpc(`wizard.${name}.delete`, [sessionId, ctx], s.authorization).catch(() => undefined)
      }
    })
  }

  private async withSession<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const pending = this.login()
    try {
      return await fn(await pending)
    } catch (err) {
      if (err instanceof IntegrationError && err.httpStatus === 401 && err.code !== "tryton_login_rejected") {
        // Expired or revoked session: log in again once and repeat the call.
        if (this.session === pending) this.session = undefined
        return fn(await this.login())
      }
      throw err
    }
  }

  private login(): Promise<Session> {
    if (!this.session) {
      const attempt = this.doLogin()
      this.session = attempt
      attempt.catch(() => {
        if (this.session === attempt) this.session = undefined
      })
    }
    return this.session
  }

  private async doLogin(): Promise<Session> {
    const { username, password, language } = this.options
    let result: unknown
    try {
      result = await this.rpc("common.db.login", [username, { password }, language], undefined, true)
    } catch (err) {
      if (err instanceof IntegrationError && err.httpStatus === 401) {
        throw new IntegrationError(
          `Tryton rejected the login of user "${username}" on database "${this.options.database}" ` +
            `(connection "${this.http.connectionId}"): check options.username and options.password`,
          { connectionId: this.http.connectionId, code: "tryton_login_rejected", retryable: false, httpStatus: 401 }
        )
      }
      throw err
    }
    const parsed = loginResultSchema.safeParse(result)
    if (!parsed.success) {
      throw new IntegrationError(
        `Tryton answered the login on connection "${this.http.connectionId}" with an unexpected shape; is options.url a Tryton server?`,
        { connectionId: this.http.connectionId, code: "tryton_bad_response", retryable: false }
      )
    }
    const [uid, token] = parsed.data
    const authorization = `Session ${Buffer.from(`${username}:${uid}:${token}`).toString("base64")}`
    const context = await this.rpc<Record<string, unknown>>("model.res.user.get_preferences", [true, {}], authorization)
    return { authorization, context: stripDisplayKeys(context) }
  }

  private async rpc<T>(method: string, params: unknown[], authorization?: string, sensitive = false): Promise<T> {
    const id = ++this.seq
    const res = await this.http.request<unknown>(
      {
        method: "POST",
        url: `/${encodeURIComponent(this.options.database)}/`,
        operation: method,
        data: { id, method, params },
        headers: authorization ? { authorization } : undefined,
        sensitive,
        safe: SAFE_METHOD.test(method),
      },
      (body) => ({ error: this.toError(method, body) })
    )
    const parsed = trytonResponseSchema.parse(res.data) as TrytonResponse
    return (parsed as { result: T }).result
  }

  private toError(method: string, body: unknown): IntegrationError | undefined {
    const parsed = trytonResponseSchema.safeParse(body)
    const connectionId = this.http.connectionId
    if (!parsed.success) {
      return new IntegrationError(
        `Tryton ${method} returned something that is not JSON-RPC on connection "${connectionId}"; is options.url a Tryton server?`,
        { connectionId, code: "tryton_bad_response", retryable: false }
      )
    }
    if (!("error" in parsed.data)) return undefined
    const [type, args] = parsed.data.error
    const text = Array.isArray(args) ? args.filter((a) => typeof a === "string" && a).join(" ") : ""
    const isUserError = /^User(Error|Warning)$/.test(type)
    const message = isUserError
      ? `Tryton refused ${method}: ${text}`
      : `Tryton ${method} failed with ${type}${text ? `: ${text}` : ""} (is the module providing it activated?)`
    return new IntegrationError(message, {
      connectionId,
      code: isUserError ? (RACE_USER_ERROR.test(text) ? "tryton_conflict" : "tryton_user_error") : "tryton_server_error",
      retryable: isUserError ? RACE_USER_ERROR.test(text) : RETRYABLE_ERROR.test(type),
    })
  }
}

/** What a wizard's execute answers: the next view and its default values. */
export type WizardStep = { view?: { defaults?: Record<string, unknown> } }

/** Wizard and preference answers carry display keys ending in "." that Tryton refuses back. */
export function stripDisplayKeys<T extends Record<string, unknown>>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !k.endsWith("."))) as T
}
