/**
 * @module The read-only Hermes panes' response types, imported type-only from the server's route modules (nothing of
 * the server reaches the bundle), so a renamed field breaks the console's build instead of a pane.
 */
export type { CronOutputsView, CronOutputView, CronView } from "../../../../src/admin/routes/hermes/cron.js";
export type { InsightsView } from "../../../../src/admin/routes/hermes/insights.js";
export type {
  HooksView,
  McpView,
  ToolsView,
  WebhooksView,
} from "../../../../src/admin/routes/hermes/integrations.js";
export type {
  KanbanView,
  MemoryContentView,
  MemoryView,
  TaskView,
} from "../../../../src/admin/routes/hermes/memory-kanban.js";
export type {
  MessagesView,
  OneMessageView,
  SessionsView,
  SessionView,
} from "../../../../src/admin/routes/hermes/sessions.js";
export type {
  BundlesView,
  PluginsView,
  SkillContentView,
  SkillsView,
} from "../../../../src/admin/routes/hermes/skills.js";
export type {
  LogTailView,
  ProfileSummariesView,
  SecurityView,
  StatusView,
  StorageView,
} from "../../../../src/admin/routes/hermes/system.js";
export type { CappedText } from "../../../../src/hermes/panes/pane-text.js";
export type { FileStatus } from "../../../../src/hermes/read-files.js";
export type { DbSource } from "../../../../src/hermes/sqlite/hermes-db.js";
