/**
 * @module GET /api/admin/tenants/:id/hermes/skills, …/skills/content?skill=<id>, …/bundles, …/plugins: what the
 * profile can do beyond its model. A skill's body is fetched by the id its listing gives, never by a path.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { PaneContext } from "../../../hermes/panes/pane-context.js";
import { listBundles } from "../../../hermes/skills/bundles.js";
import { listPlugins } from "../../../hermes/skills/plugins.js";
import { getSkillContent, listSkills } from "../../../hermes/skills/skills.js";
import { parseQuery } from "../../validation.js";
import { hermesScopeOf } from "./profile-query.js";

export type { SkillContentView, SkillsView } from "../../../hermes/skills/skills.js";
export type { BundlesView } from "../../../hermes/skills/bundles.js";
export type { PluginsView } from "../../../hermes/skills/plugins.js";

const SkillQuery = z.object({
  skill: z.string({ error: "must be a string" }).min(1, "is required").max(1024, "is too long"),
});

export function registerSkillRoutes(app: Hono, ctx: PaneContext): void {
  const base = "/api/admin/tenants/:id/hermes";

  app.get(`${base}/skills`, async (c) => c.json(await listSkills(await hermesScopeOf(c, ctx))));

  app.get(`${base}/skills/content`, async (c) => {
    const scope = await hermesScopeOf(c, ctx);
    const { skill } = parseQuery(c, SkillQuery);
    return c.json(await getSkillContent(scope, skill));
  });

  app.get(`${base}/bundles`, async (c) => c.json(await listBundles(await hermesScopeOf(c, ctx))));
  app.get(`${base}/plugins`, async (c) => c.json(await listPlugins(await hermesScopeOf(c, ctx))));
}
