import { ValidationFailed } from '@modelyard/platform';

/** A name condition as a Prisma string filter: no SQL is built from the text. */
export type NameMatch = { equals: string } | { not: string } | { contains: string } | { startsWith: string } | { endsWith: string };

export interface VersionFilter {
  name?: NameMatch;
  runIds?: string[];
  source?: string;
  tags: { key: string; value: string }[];
}

const QUOTED = String.raw`'((?:[^']|'')*)'`;
const unquote = (text: string) => text.replaceAll("''", "'");
const refuse = (supported: string) => new ValidationFailed([{ field: 'filter', in: 'body', message: `supported: ${supported}` }]);

const NAME_HELP = "name = '…', name != '…', name LIKE '…' with % at either end";
const VERSION_HELP = `${NAME_HELP}, run_id = '…', run_id IN ('…', …), source_path = '…', tags.<key> = '…', joined by AND`;

/** `LIKE 'x%'` and friends; `%` inside the pattern or `_` would need SQL patterns, which we do not build. */
function likeMatch(pattern: string, help: string): NameMatch {
  const inner = pattern.replace(/^%/, '').replace(/%$/, '');
  if (/[%_]/.test(inner)) throw refuse(help);
  if (pattern.length > 1 && pattern.startsWith('%') && pattern.endsWith('%')) return { contains: inner };
  if (pattern.endsWith('%')) return { startsWith: inner };
  if (pattern.startsWith('%')) return { endsWith: inner };
  return { equals: inner };
}

function nameClause(clause: string, help: string): NameMatch | null {
  const match = new RegExp(String.raw`^(?:attributes\.)?name\s*(=|!=|LIKE|ILIKE)\s*${QUOTED}$`, 'i').exec(clause);
  if (!match) return null;
  const value = unquote(match[2]!);
  const op = match[1]!.toUpperCase();
  if (op === '=') return { equals: value };
  if (op === '!=') return { not: value };
  return likeMatch(value, help);
}

/** Registered models' search filter: one name condition (MLflow's SQL store allows name only, too). */
export function parseModelFilter(filter: string | undefined): NameMatch | undefined {
  if (!filter?.trim()) return undefined;
  const name = nameClause(filter.trim(), NAME_HELP);
  if (!name) throw refuse(NAME_HELP);
  return name;
}

/** Splits on AND outside quotes. */
function clauses(filter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  const words = filter.split(/(\s+AND\s+|')/i);
  for (const word of words) {
    if (word === "'") quoted = !quoted;
    if (!quoted && /^\s+AND\s+$/i.test(word)) {
      parts.push(current.trim());
      current = '';
    } else current += word;
  }
  parts.push(current.trim());
  return parts;
}

function addClause(out: VersionFilter, clause: string) {
  const name = nameClause(clause, VERSION_HELP);
  if (name) return void (out.name = name);
  const run = new RegExp(String.raw`^run_id\s*=\s*${QUOTED}$`, 'i').exec(clause);
  if (run) return void (out.runIds = [unquote(run[1]!)]);
  const runs = /^run_id\s+IN\s*\((.*)\)$/i.exec(clause);
  if (runs) {
    const items = [...runs[1]!.matchAll(new RegExp(QUOTED, 'g'))].map((m) => unquote(m[1]!));
    if (!items.length) throw refuse(VERSION_HELP);
    return void (out.runIds = items);
  }
  const source = new RegExp(String.raw`^source_path\s*=\s*${QUOTED}$`, 'i').exec(clause);
  if (source) return void (out.source = unquote(source[1]!));
  const tag = new RegExp(String.raw`^tags\.(?:\x60([^\x60]+)\x60|([\w.-]+))\s*=\s*${QUOTED}$`).exec(clause);
  if (tag) return void out.tags.push({ key: tag[1] ?? tag[2]!, value: unquote(tag[3]!) });
  throw refuse(VERSION_HELP);
}

/** Model versions' search filter: conditions on name, run, source and tags joined by AND. */
export function parseVersionFilter(filter: string | undefined): VersionFilter {
  const out: VersionFilter = { tags: [] };
  if (!filter?.trim()) return out;
  for (const clause of clauses(filter.trim())) addClause(out, clause);
  return out;
}
