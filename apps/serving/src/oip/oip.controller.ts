import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AllowInMaintenance,
  ApiDoc,
  Public,
  RequireScope,
  SkipRateLimit,
  ZBody,
  ZParams,
  IngestionBody,
  TeamCheckedInHandler,
  TeamResource,
} from '@modelyard/platform';
import { OipInferRequest, OipInferResponse, OipLive, OipModelMetadata, OipModelReady, OipReady, OipServerMetadata } from '@modelyard/types';
import { ModelParams, VersionParams } from '../params.js';
import { binaryPartOf, inferAnswer } from './binary-body.js';
import { BINARY_EXTENSION } from './binary-tensors.js';
import { OipService } from './oip.service.js';

const SERVER = { name: 'modelyard-serving', version: '0.1.0', extensions: [BINARY_EXTENSION] };
const BINARY_NOTE =
  ' Binary tensor data extension: a JSON header of Inference-Header-Content-Length bytes, then the inputs with' +
  ' parameters.binary_data_size as raw little-endian bytes; outputs with parameters.binary_data (or the' +
  " request's binary_data_output) come back the same way (application/octet-stream).";

/** Health of the inference server, for Kubernetes probes and protocol clients: no credential needed. */
@Controller('v2')
@Public()
@SkipRateLimit()
export class OipHealthController {
  constructor(@Inject(OipService) private readonly oip: OipService) {}

  @Get('health/live')
  @ApiDoc({ summary: 'OIP v2: the server is live', response: OipLive, tags: ['v2'] })
  live() {
    return { live: true };
  }

  @Get('health/ready')
  @ApiDoc({
    summary: 'OIP v2: the designated models are loaded (400 while loading or shutting down)',
    response: OipReady,
    tags: ['v2'],
  })
  ready() {
    return this.oip.serverReady();
  }
}

/** The Open Inference Protocol v2 (KServe / Triton REST); errors are {"error": "…"} (see oip-errors.ts). */
@Controller('v2')
@RequireScope('read')
export class OipController {
  constructor(@Inject(OipService) private readonly oip: OipService) {}

  @Get()
  // About no model: any team member may read it too.
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'OIP v2: server metadata', response: OipServerMetadata, tags: ['v2'] })
  server() {
    return SERVER;
  }

  @Get('models/:name')
  @TeamResource()
  @ApiDoc({ summary: "OIP v2: the production version's inputs and outputs", response: OipModelMetadata, tags: ['v2'] })
  metadata(@ZParams(ModelParams) p: ModelParams) {
    return this.oip.metadata(p.name);
  }

  @Get('models/:name/versions/:version')
  @TeamResource()
  @ApiDoc({ summary: "OIP v2: a served version's inputs and outputs", response: OipModelMetadata, tags: ['v2'] })
  versionMetadata(@ZParams(VersionParams) p: VersionParams) {
    return this.oip.metadata(p.name, p.version);
  }

  @Get('models/:name/ready')
  @TeamResource()
  @ApiDoc({
    summary: 'OIP v2: the production version can answer (400 when not)',
    response: OipModelReady,
    tags: ['v2'],
  })
  modelReady(@ZParams(ModelParams) p: ModelParams) {
    return this.oip.modelReady(p.name);
  }

  @Get('models/:name/versions/:version/ready')
  @TeamResource()
  @ApiDoc({ summary: 'OIP v2: the version can answer (400 when not)', response: OipModelReady, tags: ['v2'] })
  versionReady(@ZParams(VersionParams) p: VersionParams) {
    return this.oip.modelReady(p.name, p.version);
  }

  @IngestionBody()
  @Post('models/:name/infer')
  @TeamResource()
  @HttpCode(200)
  @AllowInMaintenance()
  @ApiDoc({ summary: `OIP v2: inference with the production version.${BINARY_NOTE}`, response: OipInferResponse, tags: ['v2'] })
  async infer(
    @ZParams(ModelParams) p: ModelParams,
    @ZBody(OipInferRequest) body: OipInferRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return inferAnswer(reply, await this.oip.infer(p.name, undefined, body, binaryPartOf(request)));
  }

  @IngestionBody()
  @Post('models/:name/versions/:version/infer')
  @TeamResource()
  @HttpCode(200)
  @AllowInMaintenance()
  @ApiDoc({ summary: `OIP v2: inference with a served version.${BINARY_NOTE}`, response: OipInferResponse, tags: ['v2'] })
  async versionInfer(
    @ZParams(VersionParams) p: VersionParams,
    @ZBody(OipInferRequest) body: OipInferRequest,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return inferAnswer(reply, await this.oip.infer(p.name, p.version, body, binaryPartOf(request)));
  }
}
