import { Button, Checkbox, Input, Label, Select, Text, Textarea } from "@medusajs/ui"
import type { ConnectionProblem, FormField } from "../lib/console-types"

/** What the form holds per option path: text as typed, or a switch. */
export type FormValues = Record<string, string | boolean>
/** Secret options staff chose to remove (sent as null). */
export type Cleared = Set<string>

const getPath = (obj: Record<string, unknown> | null, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj ?? undefined)

function setPath(obj: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split(".")
  let at = obj
  for (const k of parts.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>
  at[parts[parts.length - 1]] = value
}

const asText = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v, null, 2))

/** The form's values from stored options (or the fields' defaults for a new connection); secrets start empty. */
export function initialValues(form: FormField[], options: Record<string, unknown> | null): FormValues {
  return Object.fromEntries(
    form.map((f) => {
      const v = f.secret ? undefined : getPath(options, f.path) ?? (options ? undefined : f.default)
      return [f.path, f.type === "boolean" ? Boolean(v ?? f.default ?? false) : asText(v)]
    })
  )
}

/**
 * The options the form's values say: empty fields left out (the provider's default applies; a secret left empty
 * keeps the stored one), numbers as numbers, lists and objects from JSON (a list of words also comma-separated).
 * Whatever cannot be read is sent as typed, so the server names the problem with the rest.
 */
export function optionsOf(form: FormField[], values: FormValues, cleared: Cleared): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  for (const f of form) {
    const raw = values[f.path]
    if (f.secret && cleared.has(f.path)) {
      setPath(options, f.path, null)
      continue
    }
    if (typeof raw === "boolean") {
      setPath(options, f.path, raw)
      continue
    }
    const text = (raw ?? "").trim()
    if (text === "") continue
    if (f.type === "number" || f.type === "integer") setPath(options, f.path, Number.isNaN(Number(text)) ? text : Number(text))
    else if (f.type === "list" || f.type === "json") {
      try {
        setPath(options, f.path, JSON.parse(text))
      } catch {
        setPath(options, f.path, f.type === "list" ? text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean) : text)
      }
    } else setPath(options, f.path, text)
  }
  return options
}

type Props = {
  form: FormField[]
  values: FormValues
  onChange: (values: FormValues) => void
  /** For an existing connection: each secret's mask ("••••abcd"), shown instead of the value, which never comes back. */
  secrets?: Record<string, { set: boolean; mask: string | null }> | null
  cleared: Cleared
  onClear: (cleared: Cleared) => void
  /** When the vendor ends each secret ({ path: "YYYY-MM-DD" }), for the warning 14 days ahead. */
  expiry: Record<string, string>
  onExpiry: (expiry: Record<string, string>) => void
  problems: ConnectionProblem[]
}

/** The dates entered, without the empty ones. */
export const expiryOf = (expiry: Record<string, string>) => Object.fromEntries(Object.entries(expiry).filter(([, d]) => d))

/** A provider's options as a form: one field per option, its label, help and default from the provider's schema. */
export const ConnectionForm = ({ form, values, onChange, secrets, cleared, onClear, expiry, onExpiry, problems }: Props) => {
  const problemOf = (path: string) => problems.filter((p) => p.path === `options.${path}` || p.path.startsWith(`options.${path}[`) || p.path.startsWith(`options.${path}.`))
  const set = (path: string, v: string | boolean) => onChange({ ...values, [path]: v })
  return (
    <div className="flex flex-col gap-y-4" data-testid="connection-form">
      {form.map((f) => {
        const id = `option-${f.path.replace(/\W/g, "-")}`
        const stored = secrets?.[f.path]
        const fieldProblems = problemOf(f.path)
        return (
          <div key={f.path} className="flex flex-col gap-y-1" data-testid={`field-${f.path}`}>
            {f.type === "boolean" ? (
              <div className="flex items-center gap-x-2">
                <Checkbox id={id} checked={values[f.path] === true} onCheckedChange={(c) => set(f.path, c === true)} />
                <Label htmlFor={id} size="small" weight="plus">{f.label}</Label>
              </div>
            ) : (
              <Label htmlFor={id} size="small" weight="plus">{f.label}{f.required ? " *" : ""}{f.secret ? " (secret)" : ""}</Label>
            )}
            {f.help && <Text size="xsmall" className="text-ui-fg-subtle">{f.help}</Text>}
            {f.type === "enum" && (
              <Select value={String(values[f.path] || "")} onValueChange={(v) => set(f.path, v)}>
                <Select.Trigger id={id}><Select.Value placeholder="Choose…" /></Select.Trigger>
                <Select.Content>{(f.options ?? []).map((o) => <Select.Item key={o} value={o}>{o}</Select.Item>)}</Select.Content>
              </Select>
            )}
            {(f.type === "list" || f.type === "json") && (
              <Textarea id={id} rows={Math.min(8, Math.max(2, String(values[f.path] ?? "").split("\n").length))} value={String(values[f.path] ?? "")} onChange={(e) => set(f.path, e.target.value)} className="font-mono" />
            )}
            {(f.type === "string" || f.type === "number" || f.type === "integer") && (
              <div className="flex items-center gap-x-2">
                <Input
                  id={id}
                  type={f.secret ? "password" : f.type === "string" ? "text" : "number"}
                  autoComplete={f.secret ? "new-password" : "off"}
                  value={String(values[f.path] ?? "")}
                  placeholder={f.secret && stored?.set && !cleared.has(f.path) ? `${stored.mask ?? "••••"} (kept; type to replace)` : f.default !== undefined ? String(f.default) : ""}
                  disabled={cleared.has(f.path)}
                  onChange={(e) => set(f.path, e.target.value)}
                  style={{ minWidth: 360 }}
                  data-testid={`input-${f.path}`}
                />
                {f.secret && stored?.set && (
                  <Button type="button" size="small" variant="transparent" onClick={() => { const next = new Set(cleared); if (next.has(f.path)) next.delete(f.path); else next.add(f.path); onClear(next) }}>
                    {cleared.has(f.path) ? "Keep" : "Remove"}
                  </Button>
                )}
              </div>
            )}
            {f.secret && (
              <div className="flex items-center gap-x-2">
                <Label htmlFor={`${id}-expires`} size="xsmall" className="text-ui-fg-subtle">Expires on (optional: warned 14 days ahead)</Label>
                <Input id={`${id}-expires`} type="date" size="small" style={{ width: 170 }} value={expiry[f.path] ?? ""} onChange={(e) => onExpiry({ ...expiry, [f.path]: e.target.value })} data-testid={`expires-${f.path}`} />
              </div>
            )}
            {problems.filter((p) => p.path === `credentials_expire.${f.path}`).map((p) => <Text key={p.message} size="xsmall" className="text-ui-fg-error" data-testid="field-problem">{p.message}</Text>)}
            {fieldProblems.map((p) => <Text key={p.path + p.message} size="xsmall" className="text-ui-fg-error" data-testid="field-problem">{p.path.replace(/^options\./, "")}: {p.message}</Text>)}
          </div>
        )
      })}
    </div>
  )
}
