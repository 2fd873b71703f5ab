/**
 * @module Paging controls: numbered pages for server-side offset paging (API users), and older/newer for cursor
 * paging (audit log, action trail).
 */
import type { useCursorPages } from "../lib/cursor-pages";
import { formatNumber } from "../lib/format";

export function Pager({
  page,
  limit,
  total,
  onPage,
}: {
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const first = total === 0 ? 0 : (page - 1) * limit + 1;
  const last = Math.min(total, page * limit);
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      <span className="muted" data-testid="pager-summary">
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <span className="pager-buttons">
        <button type="button" className="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous
        </button>
        <span className="muted">
          Page {formatNumber(page)} of {formatNumber(pages)}
        </span>
        <button
          type="button"
          className="button"
          disabled={page >= pages}
          onClick={() => onPage(page + 1)}
          data-testid="pager-next"
        >
          Next
        </button>
      </span>
    </nav>
  );
}

export function CursorPager({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  /** The answer's next_cursor: null on the last page. */
  nextCursor: string | null;
}) {
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      <span className="muted">Page {formatNumber(pages.pageNumber)}</span>
      <span className="pager-buttons">
        <button type="button" className="button" disabled={pages.pageNumber <= 1} onClick={pages.newer}>
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={!nextCursor}
          onClick={() => pages.older(nextCursor)}
          data-testid="pager-next"
        >
          Older
        </button>
      </span>
    </nav>
  );
}
