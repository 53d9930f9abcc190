import { AuditPage as AuditPageSchema, AuditService } from '@modelyard/types';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { apiPath, call, enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { useQueryParams } from '../components/use-query-params';

const PAGE_SIZE = 50;
const FILTERS = ['service', 'model', 'actor', 'action', 'since', 'until'] as const;
type Filter = (typeof FILTERS)[number];

/** `datetime-local` inputs hold local time without a zone; the API takes ISO 8601 with one. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');
const toLocal = (iso: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

const compact = (value: unknown) => (value === null ? '—' : JSON.stringify(value));

/** The filter form; remounted (key) when the URL's filters change, so its inputs show them. */
function AuditFilters({ applied, onApply }: { applied: Record<Filter, string>; onApply: (filters: Record<Filter, string>) => void }) {
  const [draft, setDraft] = useState<Record<Filter, string>>({ ...applied, since: toLocal(applied.since), until: toLocal(applied.until) });
  const search = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      service: draft.service,
      model: draft.model.trim(),
      actor: draft.actor.trim(),
      action: draft.action.trim(),
      since: toIso(draft.since),
      until: toIso(draft.until),
    });
  };
  const field = (name: Filter, label: string, type = 'text') => (
    <>
      <label htmlFor={`audit-${name}`}>{label}</label>
      <input id={`audit-${name}`} type={type} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </>
  );
  return (
    <form className="filters" role="search" onSubmit={search}>
      <label htmlFor="audit-service">Service</label>
      <select id="audit-service" value={draft.service} onChange={(e) => setDraft({ ...draft, service: e.target.value })}>
        <option value="">every service</option>
        {AuditService.options.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {field('model', 'Model')}
      {field('actor', 'Actor')}
      {field('action', 'Action (or its start)')}
      {field('since', 'From', 'datetime-local')}
      {field('until', 'Until', 'datetime-local')}
      <button type="submit">Filter</button>
    </form>
  );
}

/** Every service's audit log, merged: filter by service, model, actor, action (or its start) and time; all of it in the URL. */
export function AuditPage() {
  usePageTitle('Audit log');
  const [params, update] = useQueryParams();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>;
  const cursor = params.get('cursor') ?? undefined;
  const audit = useQuery({
    queryKey: ['audit', applied, cursor],
    queryFn: () => call(apiPath('registry', '/v1/audit', { ...applied, cursor, limit: PAGE_SIZE }), { schema: AuditPageSchema }),
    placeholderData: keepPreviousData,
  });
  return (
    <section>
      <h1>Audit log</h1>
      <AuditFilters key={JSON.stringify(applied)} applied={applied} onApply={(filters) => update({ ...filters, cursor: undefined })} />
      {audit.isError && <Problem error={audit.error} what="The audit log could not be loaded" />}
      {audit.data && (
        <>
          <table data-testid="audit">
            <caption className="visually-hidden">Audit log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Service</th>
                <th scope="col">Action</th>
                <th scope="col">Model</th>
                <th scope="col">Target</th>
                <th scope="col">Actor</th>
                <th scope="col">Before → after</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.items.map((e) => (
                <tr key={`${e.service}-${e.id}`} data-action={e.action} data-service={e.service}>
                  <th scope="row">
                    <time dateTime={e.at}>{formatTime(e.at)}</time>
                  </th>
                  <td>
                    <button type="button" className="link" onClick={() => update({ service: e.service, cursor: undefined })}>
                      {e.service}
                    </button>
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => update({ action: e.action, cursor: undefined })}>
                      {e.action}
                    </button>
                  </td>
                  <td>{e.model ? <Link href={`/models/${enc(e.model)}`}>{e.model}</Link> : '—'}</td>
                  <td>{e.target}</td>
                  <td>
                    <button type="button" className="link" onClick={() => update({ actor: e.actor, cursor: undefined })}>
                      {e.actor}
                    </button>
                  </td>
                  <td className="change">
                    <code>{compact(e.before)}</code> → <code>{compact(e.after)}</code>
                  </td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {audit.data.items.length === 0 && <p>No entry matches.</p>}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <button type="button" onClick={() => update({ cursor: undefined })}>
                First page
              </button>
            )}
            {audit.data.nextCursor && (
              <button type="button" onClick={() => update({ cursor: audit.data.nextCursor ?? undefined })}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
