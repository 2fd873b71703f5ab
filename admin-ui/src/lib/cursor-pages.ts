/**
 * @module Cursor paging (audit log, action trail): the cursors of the pages before the current one, forgotten
 * whenever the filters change.
 */
import { useState } from "react";

export function useCursorPages(filterKey: string) {
  const [pages, setPages] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = pages.key === filterKey ? pages.cursors : [];
  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length + 1,
    newer: () => setPages({ key: filterKey, cursors: cursors.slice(0, -1) }),
    older: (next: string | null) => next && setPages({ key: filterKey, cursors: [...cursors, next] }),
  };
}
