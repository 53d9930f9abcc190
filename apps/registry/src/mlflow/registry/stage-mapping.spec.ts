import { parseMlflowStage, stagesShownAs, toMlflowStage, transitionPath } from './stage-mapping.js';

describe('MLflow stages over ours', () => {
  it('shows each of our stages as one of MLflow four', () => {
    expect(['draft', 'testing', 'staging', 'production', 'archived', 'failed'].map((s) => toMlflowStage(s as never))).toEqual([
      'None',
      'None',
      'Staging',
      'Production',
      'Archived',
      'Archived',
    ]);
    expect(stagesShownAs('None')).toEqual(['draft', 'testing']);
    expect(stagesShownAs('Archived')).toEqual(['archived', 'failed']);
  });

  it('reads stage names in any case, and nothing else', () => {
    expect(parseMlflowStage('staging')).toBe('Staging');
    expect(parseMlflowStage('PRODUCTION')).toBe('Production');
    expect(parseMlflowStage('none')).toBe('None');
    expect(parseMlflowStage('testing')).toBeNull();
    expect(parseMlflowStage('constructor')).toBeNull();
  });

  it('walks the shortest path of allowed transitions', () => {
    expect(transitionPath('draft', 'Production')).toEqual(['staging', 'production']);
    expect(transitionPath('draft', 'Staging')).toEqual(['staging']);
    expect(transitionPath('production', 'Staging')).toEqual(['archived', 'staging']);
    expect(transitionPath('staging', 'None')).toEqual(['testing', 'draft']);
    expect(transitionPath('archived', 'None')).toEqual(['staging', 'testing', 'draft']);
    expect(transitionPath('failed', 'Production')).toEqual(['draft', 'staging', 'production']);
  });

  it('does nothing when the version already shows as the target', () => {
    expect(transitionPath('testing', 'None')).toEqual([]);
    expect(transitionPath('failed', 'Archived')).toEqual([]);
    expect(transitionPath('production', 'Production')).toEqual([]);
  });
});
