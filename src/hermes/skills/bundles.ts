/**
 * @module The bundles pane: `skill-bundles/*.yaml|*.yml` of the profile (`{name?, description, skills[],
 * instruction?}`; the name defaults to the file's stem), each with the skills it names that this profile does not
 * have.
 */
import path from "node:path";
import { listConfinedDirectory } from "../hermes-paths.js";
import { scopeFields, type HermesScope, type ScopeFields } from "../hermes-scope.js";
import { cappedText, preview, type CappedText } from "../panes/pane-text.js";
import { stringList } from "../panes/profile-config.js";
import { asObject, fileStatus, readYamlFile, type FileStatus } from "../read-files.js";
import { listSkills } from "./skills.js";

const MAX_BUNDLES = 500;

export type Bundle = {
  name: string;
  file: FileStatus;
  description: string | null;
  skills: string[];
  /** Named skills this profile has no SKILL.md for. */
  missing_skills: string[];
  instruction: CappedText | null;
};

export type BundlesView = ScopeFields & { directory: string; present: boolean; data: Bundle[] };

export async function listBundles(scope: HermesScope): Promise<BundlesView> {
  const dir = path.join(scope.dir, "skill-bundles");
  const entries = await listConfinedDirectory(scope.roots, dir);
  const files = entries
    .filter((e) => !e.isDirectory && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .slice(0, MAX_BUNDLES);
  const known = files.length ? new Set((await listSkills(scope)).data.map((s) => s.name)) : new Set<string>();
  const data: Bundle[] = [];
  for (const name of files) {
    const read = await readYamlFile(scope.roots, path.join(dir, name), { maxBytes: 256 * 1024 });
    const value = read.status === "ok" ? (asObject(read.value.value) ?? {}) : {};
    const skills = stringList(value.skills);
    data.push({
      name:
        typeof value.name === "string" && value.name.trim()
          ? value.name.trim()
          : name.replace(/\.ya?ml$/i, ""),
      file: fileStatus(read),
      description: preview(value.description, 1024),
      skills,
      missing_skills: skills.filter((s) => !known.has(s)),
      instruction: typeof value.instruction === "string" ? cappedText(value.instruction, 4000) : null,
    });
  }
  return { ...scopeFields(scope), directory: dir, present: entries.length > 0, data };
}
