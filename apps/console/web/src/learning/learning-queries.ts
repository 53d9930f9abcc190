import {
  PipelinePage,
  PipelineResponse,
  StatusResponse,
  TriggerResponse,
  UpdatePage,
  type PipelineResponse as Pipeline,
} from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiPath, call, enc } from '../api';

const pipelinePath = (id: string, rest = '') => `/v1/pipelines/${enc(id)}${rest}`;
/** Updates shown on a pipeline's page (newest first): the metric chart and the history use the same list. */
export const HISTORY_LIMIT = 200;

export function usePipelines(model: string, state: Pipeline['state'] | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['pipelines', model, state, cursor],
    queryFn: () => call(apiPath('learning', '/v1/pipelines', { model, state, cursor, limit: 50 }), { schema: PipelinePage }),
  });
}

export function usePipeline(id: string) {
  return useQuery({ queryKey: ['pipeline', id], queryFn: () => call(apiPath('learning', pipelinePath(id)), { schema: PipelineResponse }) });
}

export function usePipelineStatus(id: string) {
  return useQuery({
    queryKey: ['pipeline', id, 'status'],
    queryFn: () => call(apiPath('learning', pipelinePath(id, '/status')), { schema: StatusResponse }),
    // An update runs in the background: look again while one is under way.
    refetchInterval: (query) => (query.state.data?.updating ? 2000 : false),
  });
}

export function usePipelineHistory(id: string) {
  return useQuery({
    queryKey: ['pipeline', id, 'history'],
    queryFn: () => call(apiPath('learning', pipelinePath(id, '/history'), { limit: HISTORY_LIMIT }), { schema: UpdatePage }),
  });
}

/** Trigger, pause and resume; each refreshes the pipeline's data when done. */
export function usePipelineActions(id: string) {
  const client = useQueryClient();
  const done = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['pipeline', id] }), client.invalidateQueries({ queryKey: ['pipelines'] })]);
  return {
    trigger: () => call(apiPath('learning', pipelinePath(id, '/trigger')), { method: 'POST', schema: TriggerResponse }).finally(done),
    pause: () => call(apiPath('learning', pipelinePath(id, '/pause')), { method: 'POST', schema: PipelineResponse }).finally(done),
    resume: () => call(apiPath('learning', pipelinePath(id, '/resume')), { method: 'POST', schema: PipelineResponse }).finally(done),
  };
}
