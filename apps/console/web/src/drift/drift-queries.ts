import {
  AlertPage,
  AlertResponse,
  DashboardResponse,
  DistributionResponse,
  MonitorPage,
  MonitorResponse,
  ReportPage,
} from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiPath, call, enc } from '../api';

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

/**
 * A model's health from the drift dashboard, or null when no monitor watches it. The monitors are
 * asked first because the dashboard answers 404 for a model without monitors, and a 404 would be a
 * failed request in the browser; a 404 in between (the last monitor deleted) means the same.
 */
export function useModelHealth(model: string) {
  return useQuery({
    queryKey: ['model-health', model],
    queryFn: async () => {
      const monitors = await call(apiPath('drift', '/v1/monitors', { model, limit: 1 }), { schema: MonitorPage });
      if (!monitors.items.length) return null;
      try {
        return await call(apiPath('drift', `/v1/dashboard/${enc(model)}`), { schema: DashboardResponse });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}
