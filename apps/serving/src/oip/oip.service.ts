import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@modelyard/platform';
import { ErrorCode, type OipInferRequest, type OipInferResponse, type OipModelMetadata, type OipTensorMetadata } from '@modelyard/types';
import { Drain } from '../lifecycle/drain.js';
import type { LoadedVersion } from '../models/loaded-version.js';
import { Reconciler } from '../models/reconciler.js';
import { ServingTable } from '../models/serving-table.js';
import { infer } from '../predict/inference.js';
import type { TensorSpec } from '../runtime/tensors.js';
import { jsonData } from '../runtime/tensors.js';
import { ServingMetrics } from '../serving.metrics.js';
import { encodeBinary } from './binary-tensors.js';
import { decodeInputs, selectOutputs } from './oip-inputs.js';

/** An infer answer: the JSON response, and the binary outputs' bytes to send after it (in its outputs' order). */
export interface InferResult {
  response: OipInferResponse;
  binary: Buffer[];
}

/** A health or readiness answer of "false": the protocol wants a 4xx for it. */
export class NotReady extends DomainError {
  constructor(detail: string) {
    super(400, ErrorCode.modelUnavailable, 'Not ready', detail);
  }
}

const metadataOf = (t: TensorSpec): OipTensorMetadata => ({ name: t.name, datatype: t.datatype, shape: t.shape ?? [] });
const targetOf = (version?: string) => (version ? { version } : undefined);

/**
 * The Open Inference Protocol v2 over the same routing table as /v1: without a version, the
 * model's production version answers (the "server's policy" the protocol leaves open).
 */
@Injectable()
export class OipService {
  constructor(
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(Drain) private readonly drain: Drain,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
  ) {}

  serverReady(): { ready: true } {
    if (this.drain.isDraining) throw new NotReady('shutting down');
    if (!this.reconciler.isSynced) throw new NotReady('loading the models the registry designates');
    return { ready: true };
  }

  modelReady(model: string, version?: string): { name: string; ready: true } {
    try {
      this.table.resolve(model, targetOf(version));
    } catch (err) {
      if (err instanceof DomainError && err.status !== 404) throw new NotReady(err.message);
      throw err;
    }
    return { name: model, ready: true };
  }

  metadata(model: string, version?: string): Promise<OipModelMetadata> {
    return this.withVersion(model, version, (loaded) => {
      const routes = this.table.get(model);
      const versions = new Set([routes?.production?.version, ...[...(routes?.aliases.values() ?? [])].map((d) => d.version)]);
      return Promise.resolve({
        name: model,
        versions: [...versions].filter((v): v is string => Boolean(v)),
        platform: loaded.runner.platform,
        inputs: loaded.runner.inputs.map(metadataOf),
        outputs: loaded.runner.outputs.map(metadataOf),
      });
    });
  }

  /** `binary`: the bytes after the request's JSON header (binary tensor data extension), empty without. */
  infer(model: string, version: string | undefined, body: OipInferRequest, binary?: Uint8Array): Promise<InferResult> {
    return this.withVersion(model, version, async (loaded) => {
      const feeds = decodeInputs(loaded.runner.inputs, body.inputs, binary);
      const selected = selectOutputs(loaded.runner.outputs, body.outputs, body.parameters);
      const out = await infer(
        loaded,
        feeds,
        selected.map((o) => o.name),
        this.metrics,
      );
      const { descriptor } = loaded;
      const batch = feeds.values().next().value?.shape[0] ?? 0;
      this.metrics.of(descriptor).predictions.v2.inc(batch);
      const bytes: Buffer[] = [];
      const outputs = selected.flatMap(({ name, binary: asBinary }): OipInferResponse['outputs'] => {
        const t = out.get(name);
        if (!t) return [];
        const meta = { name, shape: t.shape, datatype: t.datatype };
        if (!asBinary) return [{ ...meta, data: jsonData(t) }];
        const encoded = encodeBinary(t);
        bytes.push(encoded);
        return [{ ...meta, parameters: { binary_data_size: encoded.length } }];
      });
      const response = {
        model_name: model,
        model_version: descriptor.version,
        ...(body.id !== undefined ? { id: body.id } : {}),
        outputs,
      };
      return { response, binary: bytes };
    });
  }

  private async withVersion<T>(model: string, version: string | undefined, use: (loaded: LoadedVersion) => Promise<T>): Promise<T> {
    const lease = await this.table.acquire(this.table.resolve(model, targetOf(version)));
    try {
      return await use(lease.loaded);
    } finally {
      lease.release();
    }
  }
}
