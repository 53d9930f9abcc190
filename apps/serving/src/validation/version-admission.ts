import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { ValidationReport, ValidationReportBody, VersionResponse } from '@modelyard/types';
import type { Counter } from 'prom-client';
import { LoadError, type LoadedVersion, type VersionDescriptor } from '../models/loaded-version.js';
import { VersionLoader } from '../models/version-loader.js';
import { loadFailureReport } from './failure-report.js';
import { ValidationPeers } from './validation-peers.js';
import { VALIDATOR, validateLoaded } from './version-validator.js';

/** A validation's outcome: the report, and the loaded version when it loaded (the caller owns it). */
export interface Validated {
  report: ValidationReportBody;
  loaded: LoadedVersion | null;
  /** The registry's version when validation began (its newest report included). */
  info: VersionResponse | null;
}

const summary = (r: ValidationReportBody) =>
  r.checks
    .filter((c) => c.status === 'failed')
    .map((c) => `${c.name}: ${c.detail}`)
    .join('; ');

/** The registry already holds this finding from serving: same bytes, same verdict. */
const alreadyRecorded = (current: ValidationReport | null | undefined, r: ValidationReportBody) =>
  current?.validator === VALIDATOR && current.artifact?.sha256 === r.artifact?.sha256 && current.status === r.status;

/**
 * Admits versions to traffic: a version is loaded, then validated, and only a passing one is
 * handed to the reconciler; a failing one is a LoadError('validation') (what served before keeps
 * serving). Every report goes to the registry, except one it already has (a restart re-validates
 * the same bytes to the same verdict: nothing new to record).
 */
@Injectable()
export class VersionAdmission implements OnModuleDestroy {
  private readonly logger = new Logger(VersionAdmission.name);
  private readonly recording = new Set<Promise<unknown>>();
  private readonly outcomes: Counter<'model' | 'status'>;

  constructor(
    @Inject(VersionLoader) private readonly loader: VersionLoader,
    @Inject(ValidationPeers) private readonly peers: ValidationPeers,
    @Inject(MetricsService) metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('ml_serving_validations_total', 'Validation reports made on versions, by outcome (passed, failed)', [
      'model',
      'status',
    ]);
  }

  /** What the reconciler loads through: the version, validated, or a LoadError. */
  async load(d: VersionDescriptor): Promise<LoadedVersion> {
    const { report, loaded, info, error } = await this.validateOrFail(d);
    this.inBackground(this.record(d, report, info, false));
    if (error) throw error;
    if (report.status === 'passed') return loaded!;
    await loaded!.runner.release();
    throw new LoadError('validation', `validation failed: ${summary(report)}`);
  }

  /** Validates now (loading unless `given`), records the report whatever the registry holds, answers it. */
  async validateNow(d: VersionDescriptor, given?: LoadedVersion): Promise<Validated & { recorded: ValidationReport | null }> {
    // A version that failed to load has its (failed) report too: that is the answer, not an error.
    const { error: _loadError, ...validated } = await this.validateOrFail(d, given);
    return { ...validated, recorded: await this.record(d, validated.report, validated.info, true) };
  }

  private async validateOrFail(d: VersionDescriptor, given?: LoadedVersion): Promise<Validated & { error?: LoadError }> {
    // Asked while the version loads: neither lookup throws.
    const info = this.peers.version(d.model, d.version);
    const monitors = this.peers.monitors(d.model, d.version);
    let loaded = given ?? null;
    if (!loaded) {
      try {
        loaded = await this.loader.load(d);
      } catch (err) {
        const report = err instanceof LoadError ? loadFailureReport(d, err) : null;
        // Download and integrity failures say nothing about the version: no report, retried later.
        if (!report) throw err;
        this.outcomes.inc({ model: d.model, status: report.status });
        return { report, loaded: null, info: await info, error: err as LoadError };
      }
    }
    try {
      const report = await validateLoaded(loaded, { info: await info, monitors: await monitors });
      this.outcomes.inc({ model: d.model, status: report.status });
      return { report, loaded, info: await info };
    } catch (err) {
      if (!given) await loaded.runner.release();
      throw err;
    }
  }

  /** The registry's copy of the report; null when it was not recorded (the registry could not be reached). */
  private async record(d: VersionDescriptor, report: ValidationReportBody, info: VersionResponse | null, force: boolean) {
    if (!force && alreadyRecorded(info?.validation, report)) return info!.validation;
    try {
      return await this.peers.record(d.model, d.version, report);
    } catch (err) {
      this.logger.warn(`the ${report.status} validation report of ${d.model}@${d.version} was not recorded: ${String(err)}`);
      return null;
    }
  }

  private inBackground(p: Promise<unknown>) {
    this.recording.add(p);
    void p.finally(() => this.recording.delete(p));
  }

  /** Reports still on their way to the registry are sent before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.recording]);
  }
}
