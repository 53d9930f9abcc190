import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@modelyard/platform';
import type { ApprovalBody } from '@modelyard/types';
import { VersionsRepository } from '../versions/versions.repository.js';
import { ApprovalsRepository } from './approvals.repository.js';

@Injectable()
export class ApprovalsService {
  constructor(
    @Inject(ApprovalsRepository) private readonly approvals: ApprovalsRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  decide(name: string, version: string, body: ApprovalBody, who: Principal) {
    return this.approvals.decide(name, version, body, who.id);
  }

  async list(name: string, version: string) {
    return this.approvals.standing(await this.versions.get(name, version));
  }
}
