import { attachmentDisposition, downloadHeaders, servedContentType } from './download-headers.js';

describe('servedContentType', () => {
  it('serves anything a browser could run or render as octet-stream', () => {
    const unsafe = ['text/html', 'text/html; charset=utf-8', 'TEXT/HTML', 'image/svg+xml', 'application/javascript'];
    for (const type of [...unsafe, 'text/xml', 'application/x-model']) {
      expect(servedContentType(type)).toBe('application/octet-stream');
    }
  });

  it('keeps safe types, lower-cased, with a charset for text only', () => {
    expect(servedContentType('application/onnx')).toBe('application/onnx');
    expect(servedContentType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(servedContentType('text/plain; charset=UTF-8')).toBe('text/plain; charset=utf-8');
    expect(servedContentType('text/csv;charset="iso-8859-1"; header=present')).toBe('text/csv; charset=iso-8859-1');
    expect(servedContentType('text/plain; charset=<script>')).toBe('text/plain');
    expect(servedContentType('application/zip; foo=bar')).toBe('application/zip');
  });
});

describe('attachmentDisposition', () => {
  it('names the file by its last path segment', () => {
    expect(attachmentDisposition('weights/model.onnx')).toBe('attachment; filename="model.onnx"');
  });

  it('never lets a name break out of its quotes, and gives the exact name percent-encoded', () => {
    expect(attachmentDisposition('a/x"; filename=evil.html')).toBe(
      `attachment; filename="x___filename=evil.html"; filename*=UTF-8''x%22%3B%20filename%3Devil.html`,
    );
    expect(attachmentDisposition('modèle (1).bin')).toBe(
      `attachment; filename="mod_le__1_.bin"; filename*=UTF-8''mod%C3%A8le%20%281%29.bin`,
    );
    expect(attachmentDisposition('dir/')).toBe('attachment; filename="artifact"');
  });
});

describe('downloadHeaders', () => {
  it('always says attachment, nosniff and a sandbox', () => {
    expect(downloadHeaders('application/json', 'config.json')).toEqual({
      'content-type': 'application/json',
      'content-disposition': 'attachment; filename="config.json"',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
  });
});
