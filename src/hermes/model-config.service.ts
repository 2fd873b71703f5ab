/**
 * @module Reads and edits the model and fallback configuration of a tenant's Hermes profile (config.yaml). An edit
 * is checked, applied to the file's text in place (yaml-edit), verified by parsing the result, written atomically
 * with a backup (config-write), and recorded in the action trail with a secret-free before/after diff, in one
 * transaction that also holds an advisory lock on the file, so two instances never interleave their writes.
 */
import { isDeepStrictEqual } from "node:util";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { insertAdminEvent, type Actor } from "../admin-events/admin-events.repository.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import { ABSENT_ETAG, etagOf, replaceFileAtomically } from "./config-write.js";
import { scopeFields, type HermesScope, type ScopeFields } from "./hermes-scope.js";
import {
  API_MODES,
  effectiveChain,
  fallbackViews,
  primaryModelView,
  type ChainEntry,
  type FallbackEntryView,
  type PrimaryModelView,
} from "./model-config.js";
import { planModelConfigEdit, type ModelConfigChange } from "./model-config-edit.js";
import {
  customProviderNames,
  HERMES_PROVIDER_IDS,
  pluginProviderIds,
  type KnownProviders,
} from "./provider-ids.js";
import {
  asObject,
  fileStatus,
  parseYaml,
  readYamlFile,
  type FileStatus,
  type JsonObject,
} from "./read-files.js";
import { editYaml, YamlEditError } from "./yaml-edit.js";

export type ModelConfigView = ScopeFields & {
  file: FileStatus;
  /** Send it back with a change: the write is refused (409) if the file changed in between. */
  etag: string | null;
  model: PrimaryModelView;
  fallback_providers: FallbackEntryView[];
  fallback_model: FallbackEntryView[];
  effective_chain: ChainEntry[];
  providers: KnownProviders;
  api_modes: readonly string[];
};

type Loaded = {
  view: ModelConfigView;
  text: string | null;
  config: JsonObject | null;
};

async function load(scope: HermesScope): Promise<Loaded> {
  const file = path.join(scope.dir, "config.yaml");
  const read = await readYamlFile(scope.roots, file);
  const config = read.status === "ok" ? (asObject(read.value.value) ?? {}) : null;
  const plugins = await pluginProviderIds(scope.roots, scope.dir);
  const known: KnownProviders = {
    known: [...new Set([...HERMES_PROVIDER_IDS, ...plugins])].sort(),
    custom: customProviderNames(config),
  };
  const fallbacks = fallbackViews(config);
  return {
    text: read.status === "ok" ? read.value.text : null,
    config,
    view: {
      ...scopeFields(scope),
      file: fileStatus(read),
      etag:
        read.status === "ok" ? etagOf(read.value.text) : read.status === "not_present" ? ABSENT_ETAG : null,
      model: primaryModelView(config),
      fallback_providers: fallbacks.fallback_providers,
      fallback_model: fallbacks.fallback_model,
      effective_chain: effectiveChain(config),
      providers: known,
      api_modes: API_MODES,
    },
  };
}

export async function readModelConfig(scope: HermesScope): Promise<ModelConfigView> {
  return (await load(scope)).view;
}

/** What the trail shows of the edited parts: the view's secret-free shapes. */
function trailShape(config: JsonObject | null, change: ModelConfigChange) {
  const fallbacks = fallbackViews(config);
  const strip = (e: FallbackEntryView) => ({
    ...e,
    index: undefined,
    skipped: undefined,
    other_keys: undefined,
  });
  return {
    ...(change.model !== undefined ? { model: { ...primaryModelView(config), other_keys: undefined } } : {}),
    ...(change.fallback_providers !== undefined
      ? { fallback_providers: fallbacks.fallback_providers.map(strip) }
      : {}),
    ...(change.fallback_model !== undefined ? { fallback_model: fallbacks.fallback_model.map(strip) } : {}),
  };
}

export type ModelConfigContext = { db: Kysely<DB>; logger: Logger };

export async function updateModelConfig(
  ctx: ModelConfigContext,
  scope: HermesScope,
  change: ModelConfigChange,
  etag: string,
  actor: Actor,
): Promise<ModelConfigView> {
  const loaded = await load(scope);
  const file = loaded.view.file;
  if (file.status === "corrupt" || file.status === "refused") {
    throw new AppError(
      "conflict",
      `config.yaml cannot be edited here: ${file.reason}. Fix the file by hand first.`,
    );
  }
  if (loaded.view.etag !== etag) {
    throw new AppError(
      "conflict",
      "config.yaml changed since it was read; reload it and apply the change again.",
    );
  }
  const plan = planModelConfigEdit(loaded.config, change, loaded.view.providers);
  if (plan.ops.length === 0) return loaded.view;
  const before = loaded.text ?? "";
  let after: string;
  try {
    after = editYaml(before, plan.ops);
  } catch (err) {
    if (!(err instanceof YamlEditError)) throw err;
    throw new AppError(
      "conflict",
      `config.yaml cannot be edited in place (${err.message}); edit it by hand.`,
    );
  }
  // The edit must mean exactly what was asked, and nothing else may have moved.
  const reparsed = parseYaml(after);
  if (!reparsed.ok || !isDeepStrictEqual(asObject(reparsed.value) ?? {}, plan.expected)) {
    ctx.logger.error(
      { tenant: scope.tenantId, profile: scope.profile },
      "hermes: config.yaml edit did not verify",
    );
    throw new AppError("internal", "The edit could not be verified; config.yaml was left unchanged.");
  }
  const target = path.join(scope.dir, "config.yaml");
  await ctx.db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`hermes-config:${target}`}))`.execute(tx);
    await insertAdminEvent(tx, actor, {
      action: "hermes.model.update",
      targetType: "tenant",
      targetId: scope.tenantId,
      diff: {
        profile: scope.profile,
        file: target,
        before: trailShape(loaded.config, change),
        after: trailShape(plan.expected, change),
      },
    });
    await replaceFileAtomically(scope.roots, target, after, etag);
  });
  return readModelConfig(scope);
}
