import {
  ConcludeResponse,
  ExperimentPage,
  ExperimentResponse,
  ResultsHistoryResponse,
  ResultsResponse,
  type ConcludeBody,
  type ExperimentStatus,
} from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiPath, call, enc } from '../api';

const experimentPath = (key: string, rest = '') => `/v1/experiments/${enc(key)}${rest}`;
export const EXPERIMENT_PAGE_SIZE = 50;

export function useExperiments(status: ExperimentStatus | undefined, model: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['experiments', status, model, cursor],
    queryFn: () =>
      call(apiPath('experiments', '/v1/experiments', { status, model, cursor, limit: EXPERIMENT_PAGE_SIZE }), { schema: ExperimentPage }),
  });
}

export function useExperiment(key: string) {
  return useQuery({
    queryKey: ['experiment', key],
    queryFn: () => call(apiPath('experiments', experimentPath(key)), { schema: ExperimentResponse }),
  });
}

/** Results are computed on every call from the live statistics: a draft has none yet. */
export function useResults(key: string, enabled = true) {
  return useQuery({
    queryKey: ['experiment', key, 'results'],
    enabled,
    queryFn: () => call(apiPath('experiments', experimentPath(key, '/results')), { schema: ResultsResponse }),
  });
}

/** The comparisons at each stored snapshot of the statistics, oldest first. */
export function useResultsHistory(key: string, enabled = true) {
  return useQuery({
    queryKey: ['experiment', key, 'results-history'],
    enabled,
    queryFn: () => call(apiPath('experiments', experimentPath(key, '/results/history')), { schema: ResultsHistoryResponse }),
  });
}

/** Start, stop and conclude; each refreshes the experiment (and the lists) when done. */
export function useExperimentActions(key: string) {
  const client = useQueryClient();
  const done = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['experiment', key] }), client.invalidateQueries({ queryKey: ['experiments'] })]);
  return {
    start: () => call(apiPath('experiments', experimentPath(key, '/start')), { method: 'POST', schema: ExperimentResponse }).finally(done),
    stop: () => call(apiPath('experiments', experimentPath(key, '/stop')), { method: 'POST', schema: ExperimentResponse }).finally(done),
    conclude: (body: ConcludeBody) =>
      call(apiPath('experiments', experimentPath(key, '/conclude')), { method: 'POST', body, schema: ConcludeResponse }).finally(done),
  };
}
