import { Button, Container, Heading, Input, Label, Select, Text, toast } from "@medusajs/ui"
import { useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { ConnectionForm, expiryOf, FormValues, initialValues, optionsOf } from "../../../../components/connection-form"
import { FormNotes } from "../../../../components/connection-problems"
import { problemsOf, useCheckConnection, useCreateConnection, useProviders } from "../../../../hooks/use-connection-settings"
import type { ConnectionProblem, TestConnectionResponse } from "../../../../lib/console-types"

/**
 * Add a connection from the admin: a provider, an id, and the provider's options as a form generated from its
 * schema. Test connection tries the settings before anything is saved; Save keeps the secrets encrypted.
 */
const NewConnectionPage = () => {
  const navigate = useNavigate()
  const { data, isLoading } = useProviders()
  const [provider, setProvider] = useState("")
  const [connectionId, setConnectionId] = useState("")
  const [values, setValues] = useState<FormValues>({})
  const [cleared, setCleared] = useState(new Set<string>())
  const [expiry, setExpiry] = useState<Record<string, string>>({})
  const [problems, setProblems] = useState<ConnectionProblem[]>([])
  const [test, setTest] = useState<TestConnectionResponse | null>(null)
  const create = useCreateConnection()
  const check = useCheckConnection()
  const chosen = data?.providers.find((p) => p.name === provider)
  const form = chosen?.form ?? []
  const draft = () => ({ connection_id: connectionId.trim(), provider, options: optionsOf(form, values, cleared), credentials_expire: expiryOf(expiry) })
  const choose = (name: string) => {
    setProvider(name)
    setValues(initialValues(data?.providers.find((p) => p.name === name)?.form ?? [], null))
    setProblems([])
    setTest(null)
  }
  const onTest = () =>
    check.mutate(draft(), {
      onSuccess: (res) => { setProblems([]); setTest(res) },
      onError: (err) => { setTest(null); setProblems(problemsOf(err)); if (!problemsOf(err).length) toast.error(err.message) },
    })
  const onSave = () =>
    create.mutate(draft(), {
      onSuccess: (res) => { toast.success(`Connection "${res.connection.id}" saved; it runs now`); navigate(`/integrations/connections/${res.connection.id}/settings`) },
      onError: (err) => { setProblems(problemsOf(err)); if (!problemsOf(err).length) toast.error(err.message) },
    })
  return (
    <Container className="flex flex-col gap-y-4 px-6 py-4" data-testid="new-connection">
      <div>
        <Link to="/integrations" className="txt-compact-small text-ui-fg-subtle">← Integrations</Link>
        <Heading level="h1">Add connection</Heading>
        <Text size="small" className="text-ui-fg-subtle">Secrets are encrypted in the database under the plugin's encryptionKey and never shown again (only their last four characters).</Text>
      </div>
      <div className="flex flex-col gap-y-1">
        <Label htmlFor="connection-provider" size="small" weight="plus">Provider *</Label>
        <Select value={provider} onValueChange={choose}>
          <Select.Trigger id="connection-provider" data-testid="connection-provider"><Select.Value placeholder={isLoading ? "Loading…" : "Choose the system to connect"} /></Select.Trigger>
          <Select.Content>
            {(data?.providers ?? []).filter((p) => p.form).map((p) => <Select.Item key={p.name} value={p.name}>{p.name} ({p.kind})</Select.Item>)}
          </Select.Content>
        </Select>
      </div>
      <div className="flex flex-col gap-y-1">
        <Label htmlFor="connection-id" size="small" weight="plus">Connection id *</Label>
        <Text size="xsmall" className="text-ui-fg-subtle">Lowercase letters, digits, "-" or "_"; kept on every sync record and log row (e.g. "carrier-eu").</Text>
        <Input id="connection-id" value={connectionId} onChange={(e) => setConnectionId(e.target.value)} data-testid="connection-id" />
      </div>
      {chosen && <ConnectionForm form={form} values={values} onChange={setValues} cleared={cleared} onClear={setCleared} expiry={expiry} onExpiry={setExpiry} problems={problems} />}
      <FormNotes problems={problems} test={test} />
      <div className="flex gap-x-2">
        <Button size="small" variant="secondary" disabled={!chosen} onClick={onTest} isLoading={check.isPending} data-testid="connection-check">Test connection</Button>
        <Button size="small" disabled={!chosen} onClick={onSave} isLoading={create.isPending} data-testid="connection-save">Save</Button>
      </div>
    </Container>
  )
}

export default NewConnectionPage
