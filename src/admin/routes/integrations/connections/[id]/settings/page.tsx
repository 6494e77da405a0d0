import { Button, Checkbox, Container, Heading, Label, Table, Text, toast, usePrompt } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link, useNavigate, useParams } from "react-router-dom"
import { ConnectionForm, expiryOf, FormValues, initialValues, optionsOf } from "../../../../../components/connection-form"
import { FormNotes } from "../../../../../components/connection-problems"
import { problemsOf, useCheckConnection, useConnectionSettings, useDeleteConnection, useStartOAuth, useUpdateConnection } from "../../../../../hooks/use-connection-settings"
import { useRefreshConsole } from "../../../../../hooks/use-console"
import { useSwitchMode } from "../../../../../hooks/use-cutover"
import type { ConnectionAuditEntry, ConnectionProblem, TestConnectionResponse } from "../../../../../lib/console-types"

const ACTIONS: Record<string, string> = {
  create: "Created", update: "Changed", test: "Tested", enable: "Enabled", disable: "Disabled", mode: "Mode switched", pause: "Paused",
  resume: "Resumed", delete: "Deleted", oauth_connect: "Connected (OAuth)", oauth_revoked: "Grant revoked", rotate_key: "Data key rotated",
}

/**
 * A connection's settings: for one created from the admin, its options as the provider's form (secrets masked,
 * kept unless replaced), enabled, Test connection on the unsaved settings, Save (refused when someone changed it
 * meanwhile) and Delete; for one of medusa-config, read-only. Its audit below: who did what, and which options changed.
 */
const ConnectionSettingsPage = () => {
  const { id = "" } = useParams()
  const navigate = useNavigate()
  const prompt = usePrompt()
  const { data, isLoading, isError, error } = useConnectionSettings(id)
  const c = data?.connection
  const [values, setValues] = useState<FormValues>({})
  const [enabled, setEnabled] = useState(true)
  const [cleared, setCleared] = useState(new Set<string>())
  const [expiry, setExpiry] = useState<Record<string, string>>({})
  const [problems, setProblems] = useState<ConnectionProblem[]>([])
  const [test, setTest] = useState<TestConnectionResponse | null>(null)
  const update = useUpdateConnection(id)
  const remove = useDeleteConnection(id)
  const check = useCheckConnection()
  useEffect(() => {
    if (!c) return
    setValues(initialValues(c.form ?? [], c.options))
    setEnabled(c.enabled)
    setCleared(new Set())
    setExpiry(c.credentials_expire)
  }, [c?.version])
  const options = () => optionsOf(c?.form ?? [], values, cleared)
  const failed = (err: Error) => { setProblems(problemsOf(err)); if (!problemsOf(err).length) toast.error(err.message) }
  const onTest = () => check.mutate({ connection_id: id, provider: c!.provider, options: options(), credentials_expire: expiryOf(expiry) }, { onSuccess: (res) => { setProblems([]); setTest(res) }, onError: failed })
  const onSave = () =>
    update.mutate({ options: options(), enabled, credentials_expire: expiryOf(expiry), expected_version: c!.version ?? undefined }, { onSuccess: () => { setProblems([]); toast.success(`Connection "${id}" saved; every instance runs it within seconds`) }, onError: failed })
  const onDelete = async () => {
    if (!(await prompt({ title: `Delete ${id}?`, description: "Its sync records, logs and history stay; nothing is sent to it any more.", confirmText: "Delete", cancelText: "Cancel" }))) return
    remove.mutate(undefined, { onSuccess: () => { toast.success(`Connection "${id}" deleted`); navigate("/integrations") }, onError: (err) => toast.error(err.message) })
  }
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="flex flex-col gap-y-4 px-6 py-4" data-testid="connection-settings">
        <div>
          <Link to={`/integrations/connections/${id}`} className="txt-compact-small text-ui-fg-subtle">← {id}</Link>
          <Heading level="h1">Settings of {id}</Heading>
          {c && <Text size="small" className="text-ui-fg-subtle">{c.kind} · {c.provider} · {c.source === "config" ? "from medusa-config (read-only here)" : `created from the admin · version ${c.version}`}</Text>}
        </div>
        {isLoading && <Text size="small" className="text-ui-fg-subtle">Loading…</Text>}
        {isError && <Text size="small" className="text-ui-fg-error">Could not load the connection: {error.message}</Text>}
        {c?.problem && <Text size="small" className="text-ui-fg-error" data-testid="connection-problem">Not running: {c.problem}</Text>}
        {c?.read_only && (
          <Text size="small" data-testid="connection-read-only">
            This connection is configured in medusa-config.ts, with its secrets in environment variables: change it there and restart. A connection created here with the same id would not run.
          </Text>
        )}
        {c && !c.read_only && (
          <>
            <div className="flex items-center gap-x-2">
              <Checkbox id="connection-enabled" checked={enabled} onCheckedChange={(v) => setEnabled(v === true)} data-testid="connection-enabled" />
              <Label htmlFor="connection-enabled" size="small" weight="plus">Enabled (a disabled connection gets no new sync records)</Label>
            </div>
            <ModeSwitch id={id} mode={c.mode} />
            {c.oauth && <OAuthGrant id={id} oauth={c.oauth} />}
            {c.form ? (
              <ConnectionForm form={c.form} values={values} onChange={setValues} secrets={c.secrets} cleared={cleared} onClear={setCleared} expiry={expiry} onExpiry={setExpiry} problems={problems} />
            ) : (
              <Text size="small" className="text-ui-fg-subtle">Provider {c.provider} gives no options schema, so there is no form for it.</Text>
            )}
            <FormNotes problems={problems} test={test} />
            <div className="flex gap-x-2">
              <Button size="small" variant="secondary" onClick={onTest} isLoading={check.isPending} data-testid="connection-check">Test connection</Button>
              <Button size="small" onClick={onSave} isLoading={update.isPending} data-testid="connection-save">Save</Button>
              <Button size="small" variant="danger" onClick={onDelete} isLoading={remove.isPending} data-testid="connection-delete">Delete</Button>
            </div>
          </>
        )}
      </Container>
      {c && <Audit entries={c.audit} />}
    </div>
  )
}

/** Live or shadow (validates and logs, writes nothing), switched for every instance; going live says what it sends. */
const ModeSwitch = ({ id, mode }: { id: string; mode: "live" | "shadow" }) => {
  const switchMode = useSwitchMode()
  const refresh = useRefreshConsole()
  const other = mode === "live" ? "shadow" : "live"
  const go = () => switchMode.mutate({ connectionId: id, mode: other }, {
    onSuccess: (res) => { toast.success(res.message); refresh() },
    onError: (err) => toast.error(err.message),
  })
  return (
    <div className="flex items-center gap-x-3" data-testid="connection-mode">
      <Text size="small">Mode: <b>{mode === "live" ? "Live" : "Shadow"}</b>{mode === "shadow" ? " (validates and logs, writes nothing)" : ""}</Text>
      <Button size="small" variant="secondary" onClick={go} isLoading={switchMode.isPending}>Switch to {other}</Button>
    </div>
  )
}

/** The connection's OAuth grant: connected until when, or Connect (staff approve the app on the vendor's page and come back). */
const OAuthGrant = ({ id, oauth }: { id: string; oauth: { connected: boolean; expires_at: string | null; callback_path: string } }) => {
  const start = useStartOAuth(id)
  const connect = () => start.mutate(undefined, { onSuccess: (res) => window.location.assign(res.authorize_url), onError: (err) => toast.error(err.message) })
  return (
    <div className="flex items-center justify-between gap-x-4 rounded-md border px-4 py-3" data-testid="connection-oauth">
      <div className="flex flex-col">
        <Text size="small" weight="plus">{oauth.connected ? "Connected" : "Not connected"}</Text>
        <Text size="xsmall" className="text-ui-fg-subtle">
          {oauth.connected
            ? `Access renewed by itself; the current token lasts until ${new Date(oauth.expires_at!).toLocaleString()}.`
            : `Connect to approve the app on the vendor's page. Its redirect URL: ${window.location.origin}${oauth.callback_path}`}
        </Text>
      </div>
      <Button size="small" variant={oauth.connected ? "secondary" : "primary"} onClick={connect} isLoading={start.isPending} data-testid="connection-oauth-connect">
        {oauth.connected ? "Reconnect" : "Connect"}
      </Button>
    </div>
  )
}

const Audit = ({ entries }: { entries: ConnectionAuditEntry[] }) => (
  <Container className="divide-y p-0" data-testid="connection-audit">
    <div className="px-6 py-4"><Heading level="h2">Audit</Heading><Text size="small" className="text-ui-fg-subtle">Who did what; which options changed, never their values.</Text></div>
    {entries.length === 0 ? <Text size="small" className="px-6 py-4 text-ui-fg-subtle">Nothing yet.</Text> : (
      <Table>
        <Table.Header><Table.Row><Table.HeaderCell>When</Table.HeaderCell><Table.HeaderCell>What</Table.HeaderCell><Table.HeaderCell>Who</Table.HeaderCell><Table.HeaderCell>Options / note</Table.HeaderCell></Table.Row></Table.Header>
        <Table.Body>
          {entries.map((a) => (
            <Table.Row key={a.id} data-testid="connection-audit-row">
              <Table.Cell>{new Date(a.created_at).toLocaleString()}</Table.Cell>
              <Table.Cell>{ACTIONS[a.action] ?? a.action}</Table.Cell>
              <Table.Cell>{a.actor_id ?? "—"}</Table.Cell>
              <Table.Cell className="whitespace-normal">{[a.changed?.join(", "), a.note].filter(Boolean).join(" · ") || "—"}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    )}
  </Container>
)

export default ConnectionSettingsPage
