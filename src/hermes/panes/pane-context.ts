/**
 * @module What the read-only Hermes panes share, built once when the admin routes are registered: the database
 * and Hermes configuration every view has, the SQLite reader (one worker for every state.db and kanban.db), the
 * per-database tool-call counts the insights view keeps, and the few facts of this service the security pane
 * reports.
 */
import type { Logger } from "../../logging/logger.js";
import type { HermesContext } from "../hermes-scope.js";
import { createSqliteReader, type SqliteReader } from "../sqlite/sqlite-reader.js";
import { createToolCounts, type ToolCounts } from "../sessions/tool-counts.js";

export type PaneContext = HermesContext & {
  sqlite: SqliteReader;
  toolCounts: ToolCounts;
  /** Whether HERMES_SECRET_KEY is set (tenants' upstream credentials are encrypted at rest). */
  secretKeySet: boolean;
  logger: Logger;
};

export function createPaneContext(base: HermesContext, options: { secretKeySet: boolean; logger: Logger }) {
  const sqlite = createSqliteReader();
  const ctx: PaneContext = {
    ...base,
    sqlite,
    toolCounts: createToolCounts(options.logger),
    secretKeySet: options.secretKeySet,
    logger: options.logger,
  };
  return {
    ctx,
    async close(): Promise<void> {
      ctx.toolCounts.stop();
      await sqlite.close();
    },
  };
}
