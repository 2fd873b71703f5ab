/**
 * @module GET and PATCH /api/admin/tenants/:id/hermes/model?profile=: the model and fallback configuration of a
 * profile's config.yaml. PATCH carries the etag from GET; 409 when the file changed in between.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../../app/create-deps.js";
import type { HermesContext } from "../../../hermes/hermes-scope.js";
import { readModelConfig, updateModelConfig } from "../../../hermes/model-config.service.js";
import { actorOf } from "../../middleware/session.js";
import { parseJsonBody } from "../../validation.js";
import { hermesScopeOf } from "./profile-query.js";

export type { ModelConfigView } from "../../../hermes/model-config.service.js";

const text = z
  .string({ error: "must be a string" })
  .max(512, "must be at most 512 characters")
  .refine(
    (v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f),
    "must not contain control characters or line breaks",
  );
const optionalText = text.nullable().optional();

const ModelField = z.union(
  [
    text,
    z.strictObject({
      default: text,
      provider: optionalText,
      base_url: optionalText,
      api_mode: optionalText,
    }),
  ],
  { error: "must be a model name or an object {default, provider?, base_url?, api_mode?}" },
);

const FallbackEntry = z.strictObject({
  from_index: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0)
    .max(1000)
    .optional(),
  provider: text,
  model: text,
  base_url: optionalText,
  api_mode: optionalText,
  key_env: optionalText,
});

export const UpdateModelConfigRequest = z.strictObject({
  etag: z.string({ error: "is required: send the etag from GET" }).max(100, "is not an etag"),
  model: ModelField.optional(),
  fallback_providers: z
    .array(FallbackEntry, { error: "must be a list" })
    .max(50, "at most 50 entries")
    .optional(),
  fallback_model: z.null({ error: "can only be null (removes the legacy fallback_model)" }).optional(),
});
export type UpdateModelConfigRequest = z.input<typeof UpdateModelConfigRequest>;

export function registerHermesModelRoutes(app: Hono, ctx: HermesContext, deps: Deps): void {
  app.get("/api/admin/tenants/:id/hermes/model", async (c) => {
    return c.json(await readModelConfig(await hermesScopeOf(c, ctx)));
  });

  app.patch("/api/admin/tenants/:id/hermes/model", async (c) => {
    const body = await parseJsonBody(c, UpdateModelConfigRequest);
    const scope = await hermesScopeOf(c, ctx);
    const { etag, ...change } = body;
    const view = await updateModelConfig(
      { db: deps.database.db, logger: deps.logger },
      scope,
      change,
      etag,
      actorOf(c),
    );
    return c.json(view);
  });
}
