import { Select } from "@medusajs/ui"

/** The value that stands for "no filter" (Select items cannot have an empty value). */
const ANY = "any"

/** One filter of a console list: a small Select whose first item is "no filter" (undefined). */
export const FilterSelect = ({ value, items, anyLabel, onChange, testId }: {
  value: string | undefined
  items: Array<{ value: string; label: string }>
  anyLabel: string
  onChange: (value: string | undefined) => void
  testId: string
}) => (
  <Select size="small" value={value ?? ANY} onValueChange={(v) => onChange(v === ANY ? undefined : v)}>
    <Select.Trigger className="w-[200px]" data-testid={testId}><Select.Value /></Select.Trigger>
    <Select.Content>
      {[{ value: ANY, label: anyLabel }, ...items].map((i) => <Select.Item key={i.value} value={i.value}>{i.label}</Select.Item>)}
    </Select.Content>
  </Select>
)
