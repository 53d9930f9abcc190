/**
 * Media types a browser neither runs nor renders as a page, served as they were uploaded. Any other
 * (text/html, image/svg+xml, application/javascript, …) is served as application/octet-stream: an
 * uploader must not be able to make the registry serve a page that runs script on its origin.
 */
const SAFE_TYPES = new Set([
  'application/octet-stream',
  'application/json',
  'application/x-ndjson',
  'text/plain',
  'text/csv',
  'application/protobuf',
  'application/x-protobuf',
  'application/onnx',
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/zstd',
  'application/x-hdf5',
  'application/vnd.apache.parquet',
]);

const CHARSET = /;\s*charset\s*=\s*"?([\w.:-]{1,40})"?/i;

/** The type an artifact is served with: its own when safe (text keeps a charset, nothing else), else octet-stream. */
export function servedContentType(declared: string): string {
  const essence = declared.split(';')[0]!.trim().toLowerCase();
  if (!SAFE_TYPES.has(essence)) return 'application/octet-stream';
  const charset = essence.startsWith('text/') ? CHARSET.exec(declared)?.[1] : undefined;
  return charset ? `${essence}; charset=${charset.toLowerCase()}` : essence;
}

/**
 * `attachment` with the file's own name (its last path segment). Path segments are restricted to
 * ASCII letters, digits and `_ . + @ = , -`, but the name is sanitised here anyway, since a header is
 * the wrong place to trust an earlier check: anything else becomes `_`, and the exact name is given
 * percent-encoded in `filename*` (RFC 6266, RFC 8187).
 */
export function attachmentDisposition(path: string): string {
  const name = path.split('/').at(-1) || 'artifact';
  const ascii = name.replace(/[^\w.+@=,-]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Headers that keep a download a download: a safe type, never sniffed into another one, always
 * saved rather than displayed, and sandboxed with no sources should a browser display it anyway.
 */
export function downloadHeaders(declaredType: string, path: string): Record<string, string> {
  return {
    'content-type': servedContentType(declaredType),
    'content-disposition': attachmentDisposition(path),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  };
}
