import { JobName, QUEUE_JOBS, QueueName } from '@modelyard/types';
import { handlerProblems } from './job-handler.js';

const deliver = { queue: QueueName.webhooks, job: JobName.webhookDeliver, owner: 'A.deliver' };
const gc = { queue: QueueName.artifactGc, job: JobName.artifactGc, owner: 'B.gc' };

describe('start-up check of job handlers', () => {
  it('accepts exactly one handler per job of each consumed queue', () => {
    expect(handlerProblems([QueueName.webhooks, QueueName.artifactGc], QUEUE_JOBS, [deliver, gc])).toEqual([]);
  });

  it('names a job without a handler', () => {
    expect(handlerProblems([QueueName.webhooks, QueueName.artifactGc], QUEUE_JOBS, [deliver])).toEqual([
      "job 'artifact.gc' of queue 'artifact-gc' has no handler",
    ]);
  });

  it('names both owners of a job handled twice', () => {
    expect(handlerProblems([QueueName.webhooks], QUEUE_JOBS, [deliver, { ...deliver, owner: 'C.again' }])).toEqual([
      "job 'webhook.deliver' of queue 'webhooks' has 2 handlers: A.deliver, C.again",
    ]);
  });

  it('refuses handlers for queues the service does not consume, or for jobs a queue does not carry', () => {
    expect(handlerProblems([QueueName.webhooks], QUEUE_JOBS, [deliver, gc])).toEqual([
      "B.gc handles queue 'artifact-gc', which this service does not consume",
    ]);
    const stray = { queue: QueueName.webhooks, job: JobName.artifactGc, owner: 'D.stray' };
    expect(handlerProblems([QueueName.webhooks], QUEUE_JOBS, [deliver, stray])).toEqual([
      "D.stray handles 'artifact.gc', not a job of queue 'webhooks'",
    ]);
  });
});
