/**
 * @module An action's before/after diff: changed fields side by side, unchanged ones left out; other details (a
 * login's reason, an export's filters) as plain key/value rows.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

export function DiffView({ diff }: { diff: unknown }) {
  if (!isObj(diff))
    return diff === null || diff === undefined ? <span className="muted">—</span> : <code>{show(diff)}</code>;
  const before = isObj(diff.before) ? diff.before : null;
  const after = isObj(diff.after) ? diff.after : null;
  if ((before && !after) || (after && !before)) {
    // Created (after only) or deleted (before only): one column of values.
    const only = (after ?? before)!;
    return (
      <dl className="details compact" data-testid="diff">
        {Object.entries(only).map(([k, v]) => (
          <div key={k} className="details-row">
            <dt className="mono">{k}</dt>
            <dd className={after ? "diff-after mono" : "diff-before mono"}>{show(v)}</dd>
          </div>
        ))}
      </dl>
    );
  }
  if (before && after) {
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter(
      (k) => show(before?.[k]) !== show(after?.[k]),
    );
    return (
      <table className="table table-compact diff" data-testid="diff">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th scope="row" className="mono">
                {k}
              </th>
              <td className="diff-before mono">{show(before[k])}</td>
              <td className="diff-after mono">{show(after[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <dl className="details compact" data-testid="diff">
      {Object.entries(diff).map(([k, v]) => (
        <div key={k} className="details-row">
          <dt className="mono">{k}</dt>
          <dd className="mono">{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
