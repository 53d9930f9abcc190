import { ModelPage as ModelPageSchema } from '@modelyard/types';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { apiPath, call, enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { useQueryParams } from '../components/use-query-params';

const PAGE_SIZE = 25;

/** Models: search by name prefix, filter by tag, cursor pages; all of it in the URL. */
export function ModelsPage() {
  usePageTitle('Models');
  const [params, update] = useQueryParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const [draftQ, setDraftQ] = useState(q);
  const [draftTag, setDraftTag] = useState(tag);
  const models = useQuery({
    queryKey: ['models', q, tag, cursor],
    queryFn: () => call(apiPath('registry', '/v1/models', { prefix: q, tag, cursor, limit: PAGE_SIZE }), { schema: ModelPageSchema }),
    placeholderData: keepPreviousData,
  });
  const search = (event: FormEvent) => {
    event.preventDefault();
    update({ q: draftQ.trim(), tag: draftTag.trim(), cursor: undefined });
  };
  return (
    <section>
      <h1>Models</h1>
      <form className="filters" role="search" onSubmit={search}>
        <label htmlFor="models-q">Name starts with</label>
        <input id="models-q" type="search" value={draftQ} onChange={(e) => setDraftQ(e.target.value)} />
        <label htmlFor="models-tag">Tag</label>
        <input id="models-tag" type="text" value={draftTag} onChange={(e) => setDraftTag(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      {models.isError && <Problem error={models.error} what="Models could not be loaded" />}
      {models.data && (
        <>
          <table>
            <caption className="visually-hidden">Registered models</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Tags</th>
                <th scope="col">Owner</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link href={`/models/${enc(m.name)}`}>{m.name}</Link>
                  </td>
                  <td>{m.description ?? ''}</td>
                  <td>
                    {m.tags.map((t) => (
                      <button type="button" key={t} className="tag" onClick={() => update({ tag: t, cursor: undefined })}>
                        {t}
                      </button>
                    ))}
                  </td>
                  <td>{m.owner}</td>
                  <td>{formatTime(m.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {models.data.items.length === 0 && <p>No model matches.</p>}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <button type="button" onClick={() => update({ cursor: undefined })}>
                First page
              </button>
            )}
            {models.data.nextCursor && (
              <button type="button" onClick={() => update({ cursor: models.data.nextCursor ?? undefined })}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
