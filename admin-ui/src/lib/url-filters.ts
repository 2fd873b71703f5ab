/**
 * @module Filters live in the URL's search params: shareable, kept on reload and by the back button. Changing a
 * filter goes back to the first page.
 */
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export type FilterPatch<K extends string> = Partial<Record<K | "page", string | undefined | null>>;

export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = useMemo(
    () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>,
    // keys is a constant list per screen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [params],
  );
  const page = Math.max(1, Number(params.get("page")) || 1);
  const update = useCallback(
    (patch: FilterPatch<K>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch) as [string, string | undefined | null][]) {
            if (v === undefined || v === null || v === "") next.delete(k);
            else next.set(k, v);
          }
          if (!("page" in patch)) next.delete("page");
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return { values, page, update, params };
}
