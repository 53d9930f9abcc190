import { ArtifactParams, ArtifactPath, Sha256Hex, UploadHeaders } from './artifacts.js';

describe('artifact paths', () => {
  it.each(['model.onnx', 'weights/layer-1.bin', 'a/b/c/d.tar.gz', 'tokenizer@v2/vocab+merges=1,2.txt'])('accepts %s', (path) => {
    expect(ArtifactPath.safeParse(path).success).toBe(true);
  });

  it.each(['', '/etc/passwd', '../secret', 'a/../b', 'a/./b', 'a//b', 'a/', 'a b', 'a\\b', 'x'.repeat(1025)])('refuses %j', (path) => {
    expect(ArtifactPath.safeParse(path).success).toBe(false);
  });

  it("exposes Fastify's wildcard parameter `*` as `path`, and names it in errors", () => {
    expect(ArtifactParams.parse({ name: 'm', version: '1.0.0', '*': 'w/x.bin' })).toEqual({ name: 'm', version: '1.0.0', path: 'w/x.bin' });
    const bad = ArtifactParams.safeParse({ name: 'm', version: '1.0.0', '*': '../x' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['path']);
  });
});

describe('upload headers', () => {
  it('lower-cases a SHA-256 and refuses anything but 64 hex digits', () => {
    expect(Sha256Hex.parse('A'.repeat(64))).toBe('a'.repeat(64));
    expect(Sha256Hex.safeParse('a'.repeat(63)).success).toBe(false);
    expect(Sha256Hex.safeParse('g'.repeat(64)).success).toBe(false);
  });

  it('lets other headers through and coerces Content-Length', () => {
    const parsed = UploadHeaders.parse({ 'content-length': '42', host: 'x', 'x-artifact-content-type': 'application/onnx' });
    expect(parsed).toEqual({ 'content-length': 42, 'x-artifact-content-type': 'application/onnx' });
    expect(UploadHeaders.safeParse({ 'x-artifact-content-type': 'not a type' }).success).toBe(false);
  });
});
