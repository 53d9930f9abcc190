/** One metric family of a Prometheus text exposition: its name and `# TYPE`. */
export interface MetricFamily {
  name: string;
  type: string;
}

export interface ConventionViolation {
  name: string;
  problem: string;
}

/** Families from prom-client's default collectors: named by prom-client, not by us. */
const DEFAULT_COLLECTOR = /^(process|nodejs)_/;

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Units Prometheus wants expressed in base units: seconds, bytes (and ratios, not percents). */
const NON_BASE_UNIT =
  /_(ms|millis|milliseconds|us|micros|microseconds|ns|nanoseconds|minutes|hours|days|kb|mb|gb|kib|mib|gib|kilobytes|megabytes|gigabytes|percent)(_|$)/;

/** Words naming a quantity that has a unit, so the name must say it (seconds or bytes). */
const NEEDS_SECONDS = /(^|_)(duration|latency|elapsed|age|uptime|time|timestamp)(_|$)/;
const NEEDS_BYTES = /(^|_)(memory|size_in_bytes)(_|$)/;

/** Parses the `# TYPE <name> <type>` lines of a Prometheus text exposition. */
export function metricFamilies(exposition: string): MetricFamily[] {
  const families: MetricFamily[] = [];
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)\s*$/.exec(line);
    if (match) families.push({ name: match[1]!, type: match[2]! });
  }
  return families;
}

/**
 * The Prometheus naming conventions `promtool check metrics` and the Prometheus docs ask for
 * ("Metric and label naming"): snake_case; a counter ends in `_total` and nothing else does;
 * quantities with a unit carry it as a base-unit suffix (`_seconds`, `_bytes`), never ms or KB.
 */
export function familyViolations({ name, type }: MetricFamily): string[] {
  const problems: string[] = [];
  if (!SNAKE_CASE.test(name)) problems.push('is not snake_case');
  const total = name.endsWith('_total');
  if (type === 'counter' && !total) problems.push('is a counter but does not end in _total');
  if (type !== 'counter' && total) problems.push(`is a ${type} but ends in _total (reserved for counters)`);
  if (type === 'histogram' || type === 'summary') {
    if (/_(count|sum|bucket)$/.test(name)) problems.push(`is a ${type} named with a reserved suffix`);
  }
  if (NON_BASE_UNIT.test(name)) problems.push('uses a non-base unit (use _seconds or _bytes)');
  const base = name.replace(/_total$/, '');
  if (NEEDS_SECONDS.test(base) && !/_seconds$/.test(base)) problems.push('measures time but does not end in _seconds');
  if (NEEDS_BYTES.test(base) && !/_bytes$/.test(base)) problems.push('measures memory but does not end in _bytes');
  return problems;
}

/** Every convention broken by the families we define in an exposition (default collectors are skipped). */
export function metricConventionViolations(exposition: string): ConventionViolation[] {
  return metricFamilies(exposition)
    .filter((family) => !DEFAULT_COLLECTOR.test(family.name))
    .flatMap((family) => familyViolations(family).map((problem) => ({ name: family.name, problem })));
}
