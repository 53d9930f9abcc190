import { CompareResponse, type VersionResponse } from '@modelyard/types';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { apiPath, call, enc } from '../api';
import { formatNumber, formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StageBadge } from '../components/stage-badge';
import { useQueryParams } from '../components/use-query-params';
import { useVersions } from '../model/model-queries';

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 5;

const signed = (d: number | null | undefined) => (d === null || d === undefined ? '' : `${d > 0 ? '+' : ''}${formatNumber(d)}`);
const shown = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** Facts of each version side by side; a cell that differs from the first version's is marked. */
function FactRows({ versions }: { versions: VersionResponse[] }) {
  const facts: [string, (v: VersionResponse) => string][] = [
    ['Created by', (v) => v.createdBy],
    ['Created', (v) => formatTime(v.createdAt)],
    ['Parent', (v) => v.lineage.parentVersion ?? '—'],
    ['Dataset', (v) => v.lineage.dataset ?? '—'],
    ['Pipeline', (v) => v.lineage.pipelineId ?? '—'],
  ];
  const params = [...new Set(versions.flatMap((v) => Object.keys(v.params)))].sort();
  const first = versions[0]!;
  const cells = (read: (v: VersionResponse) => string) =>
    versions.map((v, i) => {
      const value = read(v);
      const differs = i > 0 && value !== read(first);
      return (
        <td key={v.id} className={differs ? 'differs' : undefined}>
          {value}
          {differs && <span className="visually-hidden"> (differs from the first)</span>}
        </td>
      );
    });
  return (
    <>
      {facts.map(([label, read]) => (
        <tr key={label}>
          <th scope="row">{label}</th>
          {cells(read)}
        </tr>
      ))}
      {params.map((name) => (
        <tr key={`param:${name}`}>
          <th scope="row">param {name}</th>
          {cells((v) => shown(new Map(Object.entries(v.params)).get(name)))}
        </tr>
      ))}
    </>
  );
}

/** 2–5 versions of a model side by side, each metric with its difference to the first version. */
export function ComparePage({ name }: { name: string }) {
  usePageTitle(`Compare · ${name}`);
  const [params, update] = useQueryParams();
  const versions = useVersions(name);
  const chosen = (params.get('versions') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARED);
  const ready = chosen.length >= MIN_COMPARED;
  const compare = useQuery({
    queryKey: ['model', name, 'compare', chosen.join(',')],
    enabled: ready,
    queryFn: () =>
      call(apiPath('registry', `/v1/models/${enc(name)}/compare`, { versions: chosen.join(',') }), { schema: CompareResponse }),
  });
  const byVersion = new Map((versions.data?.items ?? []).map((v) => [v.version, v]));
  const compared = chosen.map((v) => byVersion.get(v)).filter((v): v is VersionResponse => v !== undefined);
  const toggle = (version: string, on: boolean) => {
    const next = on ? [...chosen, version] : chosen.filter((v) => v !== version);
    update({ versions: next.join(',') });
  };
  return (
    <section>
      <p className="crumbs">
        <Link href="/models">Models</Link> / <Link href={`/models/${enc(name)}`}>{name}</Link> / compare
      </p>
      <h1>Compare versions of {name}</h1>
      {versions.isError && <Problem error={versions.error} what="Versions" />}
      {versions.data && (
        <fieldset className="choices">
          <legend>
            Versions to compare ({MIN_COMPARED}–{MAX_COMPARED}; the first chosen is the baseline)
          </legend>
          {versions.data.items.map((v) => {
            const checked = chosen.includes(v.version);
            return (
              <label key={v.id} className="check">
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && chosen.length >= MAX_COMPARED}
                  onChange={(e) => toggle(v.version, e.target.checked)}
                />{' '}
                v{v.version}
              </label>
            );
          })}
        </fieldset>
      )}
      {!ready && <p>Choose at least {MIN_COMPARED} versions.</p>}
      {compare.isError && <Problem error={compare.error} what="Comparison" />}
      {ready && compare.data && (
        <table data-testid="compare">
          <caption className="visually-hidden">Versions side by side; differences to v{chosen[0]}</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Field</span>
              </th>
              {compare.data.versions.map((v) => (
                <th scope="col" key={v.version}>
                  v{v.version} <StageBadge stage={v.stage} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {compare.data.metrics.map((m) => (
              <tr key={m.name} data-metric={m.name}>
                <th scope="row">{m.name}</th>
                {compare.data.versions.map((v, i) => (
                  <td key={v.version} className="num">
                    {formatNumber(m.values[v.version])}
                    {i > 0 && m.diff[v.version] !== null && m.diff[v.version] !== undefined && (
                      <span className={`diff ${(m.diff[v.version] ?? 0) === 0 ? '' : 'differs'}`}> ({signed(m.diff[v.version])})</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
            {compared.length === compare.data.versions.length && <FactRows versions={compared} />}
          </tbody>
        </table>
      )}
    </section>
  );
}
