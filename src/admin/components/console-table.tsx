import { Container, DataTable, DataTablePaginationState, useDataTable } from "@medusajs/ui"
import type { ReactNode } from "react"

/** The columns `useDataTable` takes for rows of T, as Medusa's UI types them. */
type Columns<T> = Parameters<typeof useDataTable<T>>[0]["columns"]

/**
 * A console list in Medusa's DataTable: one page of rows fetched by the caller (`rowCount` all of them), the
 * toolbar's contents (heading, filters, links) above, pagination below.
 */
export function ConsoleTable<T>({ columns, rows, rowId, rowCount, isLoading, pagination, onPagination, toolbar, toolbarClassName, testId }: {
  columns: Columns<T>
  rows: T[]
  rowId: (row: T) => string
  rowCount: number
  isLoading: boolean
  pagination: DataTablePaginationState
  onPagination: (state: DataTablePaginationState) => void
  toolbar: ReactNode
  toolbarClassName?: string
  testId: string
}) {
  const table = useDataTable({ columns, data: rows, getRowId: rowId, rowCount, isLoading, pagination: { state: pagination, onPaginationChange: onPagination } })
  return (
    <Container className="p-0" data-testid={testId}>
      <DataTable instance={table}>
        <DataTable.Toolbar className={toolbarClassName ?? "flex items-center justify-between px-6 py-4"}>{toolbar}</DataTable.Toolbar>
        <DataTable.Table />
        <DataTable.Pagination />
      </DataTable>
    </Container>
  )
}
