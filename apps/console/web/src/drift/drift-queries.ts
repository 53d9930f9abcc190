import { AlertPage, AlertResponse, DistributionResponse, MonitorPage, MonitorResponse, ReportPage } from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiPath, call, enc } from '../api';

/** Reports shown on a monitor's page (newest first): the scores chart and the history use the same list. */
export const REPORT_LIMIT = 200;
const monitorPath = (id: string, rest = '') => `/v1/monitors/${enc(id)}${rest}`;

export function useMonitors(model: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['monitors', model, cursor],
    queryFn: () => call(apiPath('drift', '/v1/monitors', { model, cursor, limit: 50 }), { schema: MonitorPage }),
  });
}

export function useMonitor(id: string) {
  return useQuery({ queryKey: ['monitor', id], queryFn: () => call(apiPath('drift', monitorPath(id)), { schema: MonitorResponse }) });
}

export function useReports(id: string, limit = REPORT_LIMIT) {
  return useQuery({
    queryKey: ['monitor', id, 'reports', limit],
    queryFn: () => call(apiPath('drift', monitorPath(id, '/reports'), { limit }), { schema: ReportPage }),
  });
}

export function useAlerts(monitorId: string) {
  return useQuery({
    queryKey: ['monitor', monitorId, 'alerts'],
    queryFn: () => call(apiPath('drift', '/v1/alerts', { monitorId, limit: 100 }), { schema: AlertPage }),
  });
}

export function useDistribution(id: string, feature: string | null) {
  return useQuery({
    queryKey: ['monitor', id, 'distribution', feature],
    enabled: feature !== null,
    queryFn: () => call(apiPath('drift', monitorPath(id, `/distributions/${enc(feature!)}`)), { schema: DistributionResponse }),
  });
}

export function useAcknowledge(monitorId: string) {
  const client = useQueryClient();
  return (alertId: string) =>
    call(apiPath('drift', `/v1/alerts/${enc(alertId)}/acknowledge`), { method: 'POST', schema: AlertResponse }).finally(() =>
      client.invalidateQueries({ queryKey: ['monitor', monitorId, 'alerts'] }),
    );
}
