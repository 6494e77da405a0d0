import { Text } from "@medusajs/ui"
import type { ConnectionProblem, TestConnectionResponse } from "../lib/console-types"

/** Problems not about one option (the id, the provider), and the last test's outcome, above the form. */
export const FormNotes = ({ problems, test }: { problems: ConnectionProblem[]; test: TestConnectionResponse | null }) => (
  <div className="flex flex-col gap-y-1">
    {problems.filter((p) => !p.path.startsWith("options.")).map((p) => (
      <Text key={p.path + p.message} size="small" className="text-ui-fg-error" data-testid="form-problem">{p.path}: {p.message}</Text>
    ))}
    {test && (
      <Text size="small" className={test.ok ? "text-ui-fg-interactive" : "text-ui-fg-error"} data-testid="connection-check-result">
        {test.ok ? `${test.message} in ${test.duration_ms} ms` : `Test failed: ${test.message}`}
      </Text>
    )}
  </div>
)
