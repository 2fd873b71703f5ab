import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { editYaml, YamlEditError } from "../../src/hermes/yaml-edit.js";

const BASE = `# top comment
_config_version: 33   # schema

model:
  # main model
  default: anthropic/claude-sonnet-4   # primary
  provider: openrouter
  base_url: \${OPENROUTER_BASE_URL}
  context_length: 200000

# fallbacks
fallback_providers:
  # first
  - provider: nous
    model: Hermes-4   # cheap
  # second
  - provider: custom:local
    model: qwen3-32b
  - {provider: xai, model: grok-4}

terminal:
  backend:    docker      # odd spacing
`;

const js = (text: string) => parseDocument(text, { version: "1.1" }).toJS() as Record<string, unknown>;

describe("editYaml: byte-identical outside the edited nodes", () => {
  it("replaces a scalar in place, keeping its trailing comment", () => {
    const out = editYaml(BASE, [{ op: "set", path: ["model", "default"], value: "nous/hermes-4" }]);
    expect(out).toBe(BASE.replace("anthropic/claude-sonnet-4   # primary", "nous/hermes-4   # primary"));
  });

  it("inserts a missing key after the map's last key, at its indentation, and deletes a key with its line", () => {
    const out = editYaml(BASE, [
      { op: "set", path: ["model", "api_mode"], value: "chat_completions" },
      { op: "delete", path: ["model", "base_url"] },
    ]);
    expect(out).toBe(
      BASE.replace("  base_url: ${OPENROUTER_BASE_URL}\n", "").replace(
        "  context_length: 200000\n",
        "  context_length: 200000\n  api_mode: chat_completions\n",
      ),
    );
  });

  it("rebuilds a block sequence from its items' own text: reorder, remove, add", () => {
    const out = editYaml(BASE, [
      {
        op: "rebuild",
        path: ["fallback_providers"],
        items: [{ keep: 2 }, { value: { provider: "openrouter", model: "qwen3:8b" } }, { keep: 0 }],
      },
    ]);
    expect(out).toBe(
      BASE.replace(
        `  - provider: nous
    model: Hermes-4   # cheap
  # second
  - provider: custom:local
    model: qwen3-32b
  - {provider: xai, model: grok-4}
`,
        `  - {provider: xai, model: grok-4}
  - provider: openrouter
    model: qwen3:8b
  - provider: nous
    model: Hermes-4   # cheap
`,
      ),
    );
    expect(js(out).fallback_providers).toEqual([
      { provider: "xai", model: "grok-4" },
      { provider: "openrouter", model: "qwen3:8b" },
      { provider: "nous", model: "Hermes-4" },
    ]);
  });

  it("edits keys of items: in place in block items, re-rendered in flow items", () => {
    const out = editYaml(BASE, [
      { op: "set", path: ["fallback_providers", 1, "model"], value: "qwen3-72b" },
      { op: "set", path: ["fallback_providers", 2, "model"], value: "grok-4:fast" },
      { op: "set", path: ["fallback_providers", 2, "api_mode"], value: "codex_responses" },
      { op: "set", path: ["fallback_providers", 0, "base_url"], value: "https://inference.example/v1" },
    ]);
    expect(out).toBe(
      BASE.replace("    model: qwen3-32b\n", "    model: qwen3-72b\n")
        .replace(
          "  - {provider: xai, model: grok-4}",
          '  - {provider: xai, model: "grok-4:fast", api_mode: codex_responses}',
        )
        .replace(
          "    model: Hermes-4   # cheap\n",
          "    model: Hermes-4   # cheap\n    base_url: https://inference.example/v1\n",
        ),
    );
  });

  it("removes the first key of a sequence item by pulling the next key onto the dash line", () => {
    const text = "list:\n  - base_url: http://x\n    provider: nous\n    model: m\n";
    expect(editYaml(text, [{ op: "delete", path: ["list", 0, "base_url"] }])).toBe(
      "list:\n  - provider: nous\n    model: m\n",
    );
    expect(() => editYaml("list:\n  - a: 1\n", [{ op: "delete", path: ["list", 0, "a"] }])).toThrow(
      YamlEditError,
    );
  });

  it("turns a string into a mapping and back, adds a missing top-level key at the end, fills an empty list", () => {
    const text = "# c\nmodel: nous/hermes-4   # the model\nfallback_providers: []\nother: 1\n";
    const asMap = editYaml(text, [{ op: "set", path: ["model"], value: { default: "x", provider: "nous" } }]);
    expect(asMap).toBe(
      "# c\nmodel:\n  default: x\n  provider: nous   # the model\nfallback_providers: []\nother: 1\n",
    );
    expect(editYaml(asMap, [{ op: "set", path: ["model"], value: "z" }])).toBe(
      "# c\nmodel: z\nfallback_providers: []\nother: 1\n",
    );
    const filled = editYaml(text, [
      { op: "rebuild", path: ["fallback_providers"], items: [{ value: { provider: "nous", model: "m" } }] },
    ]);
    expect(filled).toBe(
      "# c\nmodel: nous/hermes-4   # the model\nfallback_providers:\n  - provider: nous\n    model: m\nother: 1\n",
    );
    const added = editYaml("model: a\n# end", [
      { op: "set", path: ["fallback_providers"], value: [{ provider: "nous", model: "m" }] },
    ]);
    expect(added).toBe("model: a\n# end\nfallback_providers:\n  - provider: nous\n    model: m\n");
    expect(editYaml(filled, [{ op: "rebuild", path: ["fallback_providers"], items: [] }])).toBe(text);
  });

  it("quotes what YAML 1.1 would misread, and writes ${ENV} references as they are", () => {
    const out = editYaml("model:\n  default: a\n", [
      { op: "set", path: ["model", "default"], value: "yes" },
      { op: "set", path: ["model", "base_url"], value: "${MY_BASE}" },
      { op: "set", path: ["model", "provider"], value: "y" },
    ]);
    expect(out).toBe('model:\n  default: "yes"\n  base_url: ${MY_BASE}\n  provider: "y"\n');
    expect(js(out).model).toEqual({ default: "yes", base_url: "${MY_BASE}", provider: "y" });
  });

  it("refuses what it cannot edit in place", () => {
    expect(() => editYaml("a: [1", [{ op: "set", path: ["a"], value: 1 }])).toThrow(YamlEditError);
    expect(() => editYaml("x: &a {k: 1}\ny: *a\n", [{ op: "set", path: ["y", "k"], value: 2 }])).toThrow(
      YamlEditError,
    );
    expect(() => editYaml("a: 1\n", [{ op: "set", path: ["a", "b"], value: 2 }])).toThrow(YamlEditError);
  });
});
