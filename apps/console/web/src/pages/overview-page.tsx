import { AlertPage, ExperimentPage, ModelPage as ModelPageSchema, VersionPage, type ModelResponse } from '@modelyard/types';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { apiPath, call, enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { useModelHealth } from '../drift/drift-queries';
import { HealthBadge } from '../drift/health-badge';

const MAX_COUNTED = 200;

/** A count from another service, or why there is none (that service may be down or forbidden). */
function Count({ count, error }: { count: number | undefined; error: unknown }) {
  if (error) return <span title={error instanceof Error ? error.message : ''}>unavailable</span>;
  if (count === undefined) return <span aria-busy="true">…</span>;
  return <>{count >= MAX_COUNTED ? `${MAX_COUNTED}+` : count}</>;
}

function ModelRow({ model }: { model: ModelResponse }) {
  const production = useQuery({
    queryKey: ['production', model.name],
    queryFn: () =>
      call(apiPath('registry', `/v1/models/${enc(model.name)}/versions`, { stage: 'production', limit: 1 }), { schema: VersionPage }),
  });
  const experiments = useQuery({
    queryKey: ['running-experiments', model.name],
    queryFn: () =>
      call(apiPath('experiments', '/v1/experiments', { model: model.name, status: 'running', limit: MAX_COUNTED }), {
        schema: ExperimentPage,
      }),
  });
  const alerts = useQuery({
    queryKey: ['active-alerts', model.name],
    queryFn: () => call(apiPath('drift', '/v1/alerts', { model: model.name, status: 'active', limit: MAX_COUNTED }), { schema: AlertPage }),
  });
  const health = useModelHealth(model.name);
  const prod = production.data?.items[0];
  return (
    <tr data-model={model.name}>
      <th scope="row">
        <Link href={`/models/${enc(model.name)}`}>{model.name}</Link>
      </th>
      <td>{production.isError ? 'unavailable' : prod ? `v${prod.version}` : production.isPending ? '…' : 'none'}</td>
      <td>{prod ? formatTime(prod.stageChangedAt) : '—'}</td>
      <td>
        <Count count={experiments.data?.items.length} error={experiments.error} />
      </td>
      <td>
        <Count count={alerts.data?.items.length} error={alerts.error} />
      </td>
      <td data-testid="health">
        {health.isError ? (
          <span title={health.error instanceof Error ? health.error.message : ''}>unavailable</span>
        ) : health.isPending ? (
          <span aria-busy="true">…</span>
        ) : (
          <HealthBadge health={health.data?.health ?? null} />
        )}
      </td>
      <td>{formatTime(model.updatedAt)}</td>
    </tr>
  );
}

/** Per model: production version, running experiments, open drift alerts, drift health, last change. */
export function OverviewPage() {
  usePageTitle('Overview');
  const models = useQuery({
    queryKey: ['overview-models'],
    queryFn: () => call(apiPath('registry', '/v1/models', { limit: 50 }), { schema: ModelPageSchema }),
  });
  return (
    <section>
      <h1>Overview</h1>
      {models.isError && <Problem error={models.error} what="Models could not be loaded" />}
      {models.data && (
        <table>
          <caption className="visually-hidden">Models at a glance</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Production</th>
              <th scope="col">In production since</th>
              <th scope="col">Running experiments</th>
              <th scope="col">Open drift alerts</th>
              <th scope="col">Health</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {models.data.items.map((m) => (
              <ModelRow key={m.id} model={m} />
            ))}
          </tbody>
        </table>
      )}
      {models.data?.items.length === 0 && (
        <p>
          No model is registered yet. <Link href="/models">Models</Link>
        </p>
      )}
      {models.data?.nextCursor && (
        <p>
          The first 50 models are shown; <Link href="/models">all models</Link>.
        </p>
      )}
    </section>
  );
}
