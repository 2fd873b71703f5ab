/**
 * @module The console's table, on TanStack Table: column definitions per screen, sorting done by the server
 * (`sort` in the URL, `-` for descending) or left off, and a horizontally scrolling frame on narrow screens.
 */
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  // Declaration merging requires exactly these type parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Extra class on th/td, e.g. "num" (right-aligned) or "hide-sm" (hidden on phones). */
    className?: string;
  }
}

/** "-created_at" ⇄ [{id: "created_at", desc: true}] */
export function sortFromParam(sort: string | null): SortingState {
  if (!sort) return [];
  return [{ id: sort.replace(/^-/, ""), desc: sort.startsWith("-") }];
}
export function sortToParam(sorting: SortingState): string | undefined {
  const s = sorting[0];
  return s ? `${s.desc ? "-" : ""}${s.id}` : undefined;
}

export function DataTable<T>({
  columns,
  data,
  getRowId,
  sorting,
  onSortingChange,
  caption,
  testId,
  rowTestId = "row",
  onRowClick,
  isRowSelected,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's own column array type
  columns: ColumnDef<T, any>[];
  data: T[];
  getRowId: (row: T) => string;
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  caption: string;
  testId?: string;
  rowTestId?: string;
  onRowClick?: (row: T) => void;
  isRowSelected?: (row: T) => boolean;
}) {
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableSorting: Boolean(onSortingChange),
    enableMultiSort: false,
    sortDescFirst: false,
    state: { sorting: sorting ?? [] },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting ?? []) : updater;
      onSortingChange?.(next);
    },
  });

  return (
    <div className="table-wrap" data-testid={testId}>
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const className = header.column.columnDef.meta?.className;
                return (
                  <th
                    key={header.id}
                    className={className}
                    aria-sort={sorted ? (sorted === "desc" ? "descending" : "ascending") : undefined}
                    scope="col"
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span className="sort-indicator" aria-hidden="true">
                          {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                        </span>
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-testid={rowTestId}
              data-row-id={row.id}
              className={[
                onRowClick ? "clickable" : "",
                isRowSelected?.(row.original) ? "selected" : "",
              ].join(" ")}
              onClick={
                onRowClick
                  ? (e) => {
                      // Buttons and links inside the row do their own thing.
                      if ((e.target as HTMLElement).closest("a, button, input, select, summary")) return;
                      onRowClick(row.original);
                    }
                  : undefined
              }
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.className}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
