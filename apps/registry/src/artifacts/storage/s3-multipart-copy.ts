import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 copies at most 5 GiB in one CopyObject; larger objects are copied part by part. */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
const MAX_PARTS = 10_000;

/** Server-side copy of a large object with UploadPartCopy; aborts the upload on any failure. */
export async function multipartCopy(
  client: S3Client,
  target: { Bucket: string; Key: string },
  copySource: string,
  size: number,
  minPartSize: number,
): Promise<void> {
  const partSize = Math.max(minPartSize, Math.ceil(size / MAX_PARTS));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand(target));
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let start = 0, n = 1; start < size; start += partSize, n++) {
      const end = Math.min(start + partSize, size) - 1;
      const res = await client.send(
        new UploadPartCopyCommand({ ...target, UploadId, PartNumber: n, CopySource: copySource, CopySourceRange: `bytes=${start}-${end}` }),
      );
      parts.push({ ETag: res.CopyPartResult!.ETag!, PartNumber: n });
    }
    await client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
    throw err;
  }
}
