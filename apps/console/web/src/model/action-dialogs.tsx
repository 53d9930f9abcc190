import { ALLOWED_TRANSITIONS, ShouldPromoteResponse, type Stage, type VersionResponse } from '@modelyard/types';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiPath, call, enc } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatNumber } from '../components/format';
import { Problem } from '../components/problem';
import { useModelActions } from './model-queries';

/** The dialog open on a model's page, if any. */
export type OpenAction =
  | { kind: 'transition'; version: VersionResponse }
  | { kind: 'promote'; version: VersionResponse }
  | { kind: 'rollback' }
  | { kind: 'alias'; version: VersionResponse };

interface DialogProps {
  model: string;
  action: OpenAction;
  /** The metric the page charts: the promotion policy is checked on it. */
  metric: string | null;
  onClose: () => void;
}

function PolicyCheck({ model, version, metric }: { model: string; version: string; metric: string }) {
  const [direction, setDirection] = useState<'higher' | 'lower'>('higher');
  const check = useQuery({
    queryKey: ['model', model, 'should-promote', version, metric, direction],
    queryFn: () =>
      call(apiPath('registry', `/v1/models/${enc(model)}/versions/${enc(version)}/should-promote`, { metric, direction }), {
        schema: ShouldPromoteResponse,
      }),
  });
  return (
    <div className="policy" data-testid="policy-check">
      <label htmlFor="policy-direction">Better is</label>
      <select id="policy-direction" value={direction} onChange={(e) => setDirection(e.target.value as 'higher' | 'lower')}>
        <option value="higher">higher {metric}</option>
        <option value="lower">lower {metric}</option>
      </select>
      {check.isError && <Problem error={check.error} what="Policy check" />}
      {check.data && (
        <p className={check.data.promote ? 'ok' : 'warn'}>
          Policy check on {metric}: {check.data.promote ? 'passes' : 'does not pass'} — {check.data.reason} (candidate{' '}
          {formatNumber(check.data.candidateValue)}, production {check.data.productionVersion ?? 'none'}{' '}
          {formatNumber(check.data.productionValue)})
        </p>
      )}
    </div>
  );
}

function TransitionDialog({ model, version, onClose }: { model: string; version: VersionResponse; onClose: () => void }) {
  const actions = useModelActions(model);
  const targets = ALLOWED_TRANSITIONS[version.stage].filter((s) => s !== 'production');
  const [to, setTo] = useState<Stage | ''>(targets[0] ?? '');
  return (
    <ConfirmDialog
      title={`Move v${version.version} to another stage`}
      confirmLabel="Move"
      onClose={onClose}
      onConfirm={(reason) => actions.transition(version.version, { to: to as Stage, reason })}
    >
      <label htmlFor="transition-to">New stage (now {version.stage})</label>
      <select id="transition-to" value={to} onChange={(e) => setTo(e.target.value as Stage)} required>
        {targets.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </ConfirmDialog>
  );
}

function AliasDialog({ model, version, onClose }: { model: string; version: VersionResponse; onClose: () => void }) {
  const actions = useModelActions(model);
  const [alias, setAlias] = useState('champion');
  return (
    <ConfirmDialog
      title={`Point an alias at v${version.version}`}
      confirmLabel="Set alias"
      onClose={onClose}
      onConfirm={(reason) => actions.setAlias(alias, { version: version.version, reason })}
    >
      <label htmlFor="alias-name">Alias</label>
      <input id="alias-name" value={alias} onChange={(e) => setAlias(e.target.value)} required pattern="[a-z][a-z0-9_\-]*" />
    </ConfirmDialog>
  );
}

/** The confirmation for the action chosen on a model's page; each asks for the audit reason. */
export function ActionDialog({ model, action, metric, onClose }: DialogProps) {
  const actions = useModelActions(model);
  switch (action.kind) {
    case 'transition':
      return <TransitionDialog model={model} version={action.version} onClose={onClose} />;
    case 'alias':
      return <AliasDialog model={model} version={action.version} onClose={onClose} />;
    case 'promote':
      return (
        <ConfirmDialog
          title={`Promote v${action.version.version} to production`}
          confirmLabel="Promote"
          onClose={onClose}
          onConfirm={(reason) => actions.promote(action.version.version, { reason })}
        >
          <p>The version in production now is archived.</p>
          {metric ? (
            <PolicyCheck model={model} version={action.version.version} metric={metric} />
          ) : (
            <p>No metric to check the policy on.</p>
          )}
        </ConfirmDialog>
      );
    case 'rollback':
      return (
        <ConfirmDialog
          title="Roll back production"
          confirmLabel="Roll back"
          onClose={onClose}
          onConfirm={(reason) => actions.rollback({ reason })}
        >
          <p>The previous production version goes back into production; the current one is archived.</p>
        </ConfirmDialog>
      );
  }
}
