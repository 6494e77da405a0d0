import { defineRouteConfig } from "@medusajs/admin-sdk"
import { ArrowPath } from "@medusajs/icons"
import { Button, Container, Heading, Table, Text, toast } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { ConnectionsOverview } from "../../components/connections-overview"
import { CutoverSection } from "../../components/cutover-section"
import { useConflicts } from "../../hooks/use-conflicts"
import { useCheckPaymentDrift, usePaymentDrift } from "../../hooks/use-payment-drift"
import type { Conflict, PaymentDrift } from "../../lib/types"

const FIELD_LABEL: Record<PaymentDrift["field"], string> = {
  status: "Status",
  captured_amount: "Captured",
  refunded_amount: "Refunded",
  currency: "Currency",
  missing_at_gateway: "Unknown at the gateway",
}

const since = (iso: string) => new Date(iso).toLocaleString()
/** A status in words ("partially refunded"); amounts as they are. */
const shown = (row: PaymentDrift, value: string | null) => (value === null ? "—" : row.field === "status" ? value.replace(/_/g, " ") : value)

/**
 * The Integrations page: every connection's health at a glance (the work queue one click away), moving from the
 * integration being replaced, then how the connected systems agree with Medusa: payment drift, conflicts.
 */
const IntegrationsPage = () => (
  <div className="flex flex-col gap-y-3">
    <ConnectionsOverview />
    <CutoverSection />
    <PaymentDriftSection />
    <ConflictsSection />
  </div>
)

/** Where a conflict's record is in the admin, when it has a page there. */
const recordLink = (c: Conflict) =>
  ({ order: `/orders/${c.entity_id}`, customer: `/customers/${c.entity_id}`, inventory: `/inventory/${c.entity_id}` } as Record<string, string>)[c.entity] ?? null

/** "stocked_quantity@sloc_…" → "stocked quantity"; "last_name" → "last name". */
const fieldWords = (field: string) => field.split("@")[0].replace(/_/g, " ")

/** A value as staff may see it: personal data is kept only as a fingerprint, which says nothing but "differs". */
const valueWords = (v: string | null) => (v === null ? "—" : v.startsWith("sha256:") ? "(personal data, not kept)" : v)

/** Writes that were not applied because another system owns the data (sourceOfTruth), newest first. */
const ConflictsSection = () => {
  const { data, isLoading, isError, error } = useConflicts()
  return (
    <Container className="divide-y p-0" data-testid="conflicts">
      <div className="px-6 py-4">
        <Heading level="h2">Conflicts</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Changes that were not applied because another system owns the data (the sourceOfTruth option), or that lost
          to a later change. Nothing needs to be done unless the winning value is wrong: then change it where it is owned.
        </Text>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading…</Text>}
      {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the conflicts: {error.message}</Text>}
      {data && data.conflicts.length === 0 && (
        <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="conflicts-empty">
          No conflicts: every change came from the system that owns the data.
        </Text>
      )}
      {data && data.conflicts.length > 0 && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Record</Table.HeaderCell>
              <Table.HeaderCell>Field</Table.HeaderCell>
              <Table.HeaderCell>Kept</Table.HeaderCell>
              <Table.HeaderCell>Not applied</Table.HeaderCell>
              <Table.HeaderCell>Rule</Table.HeaderCell>
              <Table.HeaderCell>When</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.conflicts.map((c) => {
              const link = recordLink(c)
              return (
                <Table.Row key={c.id} data-testid={`conflict-row-${c.id}`}>
                  <Table.Cell>
                    {link ? <Link to={link} className="text-ui-fg-interactive">{c.entity} {c.entity_id}</Link> : `${c.entity} ${c.entity_id}`}
                  </Table.Cell>
                  <Table.Cell>{fieldWords(c.field)}</Table.Cell>
                  <Table.Cell>
                    <Text size="small">{valueWords(c.winning_value)}</Text>
                    <Text size="xsmall" className="text-ui-fg-subtle">from {c.winner}</Text>
                  </Table.Cell>
                  <Table.Cell>
                    <Text size="small">{valueWords(c.losing_value)}</Text>
                    <Text size="xsmall" className="text-ui-fg-subtle">from {c.attempted_by}{c.actor_id ? ` (${c.actor_id})` : ""}</Text>
                  </Table.Cell>
                  <Table.Cell><Text size="xsmall">{c.rule}</Text></Table.Cell>
                  <Table.Cell>{since(c.created_at)}</Table.Cell>
                </Table.Row>
              )
            })}
          </Table.Body>
        </Table>
      )}
      {data && data.count > data.conflicts.length && (
        <Text className="px-6 py-3 text-ui-fg-subtle" size="small">Showing {data.conflicts.length} of {data.count}.</Text>
      )}
    </Container>
  )
}

/** Where Medusa and a payment gateway disagree about a payment (the gateway owns payment state); nothing is changed for it. */
const PaymentDriftSection = () => {
  const { data, isLoading, isError, error } = usePaymentDrift()
  const check = useCheckPaymentDrift()

  const onCheck = () =>
    check.mutate(undefined, {
      onSuccess: (res) => {
        const summary = `Checked ${res.checked} payment${res.checked === 1 ? "" : "s"}: ${res.drifted} disagreement${res.drifted === 1 ? "" : "s"}, ${res.resolved} resolved`
        if (res.errors.length) toast.warning(`${summary}; ${res.errors.length} could not be checked: ${res.errors[0].message}`)
        else toast.success(summary)
      },
      onError: (err) => toast.error(`The check failed: ${err.message}`),
    })

  return (
    <Container className="divide-y p-0" data-testid="payment-drift">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Payment drift</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Payments on which Medusa and the payment gateway disagree. Checked daily; nothing is changed in either.
          </Text>
        </div>
        <Button size="small" variant="secondary" onClick={onCheck} isLoading={check.isPending} data-testid="payment-drift-check">
          Check now
        </Button>
      </div>
      {isLoading && <Text className="px-6 py-4 text-ui-fg-subtle" size="small">Loading…</Text>}
      {isError && <Text className="px-6 py-4 text-ui-fg-error" size="small">Could not load the payment drift: {error.message}</Text>}
      {data && data.payment_drift.length === 0 && (
        <Text className="px-6 py-4 text-ui-fg-subtle" size="small" data-testid="payment-drift-empty">
          The payment gateways and Medusa agree on every payment checked.
        </Text>
      )}
      {data && data.payment_drift.length > 0 && (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Order</Table.HeaderCell>
              <Table.HeaderCell>Field</Table.HeaderCell>
              <Table.HeaderCell>Medusa</Table.HeaderCell>
              <Table.HeaderCell>Gateway</Table.HeaderCell>
              <Table.HeaderCell>Disagreement</Table.HeaderCell>
              <Table.HeaderCell>Since</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {data.payment_drift.map((row) => (
              <Table.Row key={row.id} data-testid={`payment-drift-row-${row.id}`}>
                <Table.Cell>
                  {row.order_id ? <Link to={`/orders/${row.order_id}`} className="text-ui-fg-interactive">#{row.order_display_id ?? row.order_id}</Link> : row.payment_id}
                </Table.Cell>
                <Table.Cell>{FIELD_LABEL[row.field] ?? row.field}</Table.Cell>
                <Table.Cell>{shown(row, row.medusa_value)}</Table.Cell>
                <Table.Cell>{shown(row, row.gateway_value)}</Table.Cell>
                <Table.Cell>
                  <Text size="small">{row.description}</Text>
                  <Text size="xsmall" className="text-ui-fg-subtle">{row.connection_id} · {row.gateway_payment_id}</Text>
                </Table.Cell>
                <Table.Cell title={`last seen ${since(row.last_seen_at)}`}>{since(row.detected_at)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      {data && data.count > data.payment_drift.length && (
        <Text className="px-6 py-3 text-ui-fg-subtle" size="small">Showing {data.payment_drift.length} of {data.count}.</Text>
      )}
    </Container>
  )
}

export const config = defineRouteConfig({ label: "Integrations", icon: ArrowPath })

export default IntegrationsPage
