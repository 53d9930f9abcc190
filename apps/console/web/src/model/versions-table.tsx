import type { VersionResponse } from '@modelyard/types';
import { formatNumber, formatTime } from '../components/format';
import { StageBadge } from '../components/stage-badge';
import { useCan } from '../session';
import type { OpenAction } from './action-dialogs';

interface VersionsTableProps {
  versions: VersionResponse[];
  keyMetrics: string[];
  selected: string | null;
  onSelect: (version: string) => void;
  onAction: (action: OpenAction) => void;
}

/** Versions, newest first, with the actions the signed-in role may take on each. */
export function VersionsTable({ versions, keyMetrics, selected, onSelect, onAction }: VersionsTableProps) {
  const canWrite = useCan('write');
  const canPromote = useCan('admin');
  return (
    <table data-testid="versions">
      <caption className="visually-hidden">Versions</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Stage</th>
          {keyMetrics.map((m) => (
            <th scope="col" key={m}>
              {m}
            </th>
          ))}
          <th scope="col">Created by</th>
          <th scope="col">Created</th>
          <th scope="col">Parent</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} data-version={v.version} aria-selected={v.version === selected}>
            <th scope="row">
              <button type="button" className="link" onClick={() => onSelect(v.version)} aria-pressed={v.version === selected}>
                v{v.version}
              </button>
            </th>
            <td>
              <StageBadge stage={v.stage} />
            </td>
            {keyMetrics.map((m) => (
              <td key={m} className="num">
                {formatNumber(v.metrics[m])}
              </td>
            ))}
            <td>{v.createdBy}</td>
            <td>{formatTime(v.createdAt)}</td>
            <td>{v.lineage.parentVersion ?? '—'}</td>
            <td className="actions">
              {canPromote && v.stage === 'staging' && (
                <button type="button" onClick={() => onAction({ kind: 'promote', version: v })}>
                  Promote
                </button>
              )}
              {canWrite && v.stage !== 'archived' && v.stage !== 'failed' && v.stage !== 'production' && (
                <button type="button" onClick={() => onAction({ kind: 'transition', version: v })}>
                  Change stage
                </button>
              )}
              {canWrite && (
                <button type="button" onClick={() => onAction({ kind: 'alias', version: v })}>
                  Set alias
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
