/**
 * @module The Hermes screens of a tenant (/tenants/:id/hermes/:pane), in the order and groups of the side navigation.
 * Each pane is its own chunk, loaded when first opened; adding a pane is one entry here.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

/** What every pane gets: whose Hermes, and which profile (null = the active one, as the API decides). */
export type HermesPaneProps = { tenantId: string; profile: string | null };

export type HermesPaneGroup = "Configuration" | "Activity" | "Capabilities" | "Data" | "System";

export type HermesPaneDef = {
  id: string;
  label: string;
  group: HermesPaneGroup;
  /** False for panes that read the tenant, not one profile (the profile picker is hidden there). */
  perProfile: boolean;
  Component: LazyExoticComponent<ComponentType<HermesPaneProps>>;
};

export const HERMES_GROUPS: readonly HermesPaneGroup[] = [
  "Configuration",
  "Activity",
  "Capabilities",
  "Data",
  "System",
];

export const HERMES_PANES: readonly HermesPaneDef[] = [
  {
    id: "accounts",
    label: "Accounts",
    group: "Configuration",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-config/accounts-pane")).AccountsPane })),
  },
  {
    id: "model",
    label: "Model",
    group: "Configuration",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-config/model-pane")).ModelPane })),
  },
  {
    id: "health",
    label: "Upstream health",
    group: "Configuration",
    perProfile: false,
    Component: lazy(async () => ({ default: (await import("../hermes-config/health-pane")).HealthPane })),
  },
  {
    id: "proxies",
    label: "Proxies",
    group: "Configuration",
    perProfile: false,
    Component: lazy(async () => ({ default: (await import("../hermes-config/proxies-pane")).ProxiesPane })),
  },
  {
    id: "profiles",
    label: "Profiles",
    group: "System",
    perProfile: false,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/profiles-pane")).ProfilesPane })),
  },
  {
    id: "sessions",
    label: "Sessions",
    group: "Activity",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/sessions-pane")).SessionsPane })),
  },
  {
    id: "insights",
    label: "Insights",
    group: "Activity",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/insights-pane")).InsightsPane })),
  },
  {
    id: "cron",
    label: "Cron",
    group: "Activity",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/cron-pane")).CronPane })),
  },
  {
    id: "kanban",
    label: "Kanban",
    group: "Activity",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/kanban-pane")).KanbanPane })),
  },
  {
    id: "skills",
    label: "Skills",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/skills-pane")).SkillsPane })),
  },
  {
    id: "bundles",
    label: "Bundles",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/bundles-pane")).BundlesPane })),
  },
  {
    id: "plugins",
    label: "Plugins",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/plugins-pane")).PluginsPane })),
  },
  {
    id: "mcp",
    label: "MCP servers",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/mcp-pane")).McpPane })),
  },
  {
    id: "hooks",
    label: "Hooks",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/hooks-pane")).HooksPane })),
  },
  {
    id: "tools",
    label: "Tools",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/tools-pane")).ToolsPane })),
  },
  {
    id: "webhooks",
    label: "Webhooks",
    group: "Capabilities",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/webhooks-pane")).WebhooksPane })),
  },
  {
    id: "memory",
    label: "Memory",
    group: "Data",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/memory-pane")).MemoryPane })),
  },
  {
    id: "storage",
    label: "Storage",
    group: "Data",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/storage-pane")).StoragePane })),
  },
  {
    id: "security",
    label: "Security",
    group: "System",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/security-pane")).SecurityPane })),
  },
  {
    id: "status",
    label: "System status",
    group: "System",
    perProfile: true,
    Component: lazy(async () => ({ default: (await import("../hermes-panes/system-pane")).SystemPane })),
  },
];
