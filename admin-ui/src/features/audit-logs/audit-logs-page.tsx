/**
 * @module Audit logs (/logs): every gateway request, newest first, filtered and paged; a drawer (`?id=`) shows one
 * request's prompt and response; Download JSONL streams every record matching the filters. Both reads of bodies
 * are recorded in the action trail by the server.
 */
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { DataTable } from "../../components/data-table";
import { Icon } from "../../components/icons";
import { PageHeader } from "../../components/page-header";
import { CursorPager } from "../../components/pager";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { api } from "../../lib/api";
import { useCan } from "../../lib/permissions";
import { useCursorPages } from "../../lib/cursor-pages";
import { useUrlFilters } from "../../lib/url-filters";
import { logColumns } from "./log-columns";
import { LogDrawer } from "./log-drawer";
import { LOG_FILTERS, LogFilters } from "./log-filters";
import { useAuditLogs } from "./log-queries";

const COLUMNS = logColumns();
const PAGE_SIZE = 50;

export function AuditLogsPage() {
  const { values, update } = useUrlFilters(LOG_FILTERS);
  const [params, setParams] = useSearchParams();
  const openId = params.get("id");
  const filterKey = JSON.stringify(values);
  const pages = useCursorPages(filterKey);
  const logs = useAuditLogs({ ...values, limit: PAGE_SIZE, cursor: pages.cursor });
  const downloadUrl = useMemo(() => api.logsDownloadUrl(values), [values]);
  const canExport = useCan()("export");
  const setOpen = (id: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (id) next.set("id", id);
        else next.delete("id");
        return next;
      },
      { replace: !id },
    );

  return (
    <>
      <PageHeader
        title="Audit logs"
        description="Every request to either gateway: who, when, what it cost, and (for authenticated requests) the prompt and the response."
        actions={
          // A plain link: the browser streams the file to disk, whatever its size. Viewers may not export.
          canExport ? (
            <a className="button" href={downloadUrl} download data-testid="logs-download">
              <Icon name="download" size={16} /> Download JSONL
            </a>
          ) : null
        }
      />
      <p className="callout callout-info small" data-testid="logs-privacy">
        Opening a request and downloading are recorded in the admin activity trail (audit.view, audit.export),
        with the filters used.
      </p>
      <LogFilters values={values} update={update} />
      {logs.isPending ? (
        <LoadingState label="Loading audit records…" />
      ) : logs.isError ? (
        <ErrorState what="Loading the audit log" error={logs.error} onRetry={() => void logs.refetch()} />
      ) : logs.data.data.length === 0 ? (
        <EmptyState
          title={
            LOG_FILTERS.some((k) => values[k])
              ? "No request matches these filters."
              : "No requests recorded yet."
          }
        />
      ) : (
        <div className={logs.isFetching ? "card flush refreshing" : "card flush"}>
          <DataTable
            caption="Audit log records"
            testId="logs-table"
            rowTestId="log-row"
            columns={COLUMNS}
            data={logs.data.data}
            getRowId={(r) => String(r.id)}
            onRowClick={(r) => setOpen(String(r.id))}
            isRowSelected={(r) => String(r.id) === openId}
          />
          <CursorPager pages={pages} nextCursor={logs.data.next_cursor} />
        </div>
      )}
      {openId ? <LogDrawer id={openId} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
