import { describe, expect, it } from 'vitest';
import { generateTaskId, parseLocationName, parseQueueName, parseTaskName } from './names.js';

describe('resource names', () => {
  it('parses locations, queues and tasks', () => {
    expect(parseLocationName('projects/gaesession-local/locations/us-central1')).toEqual({
      project: 'gaesession-local',
      location: 'us-central1',
    });
    expect(parseQueueName('projects/p/locations/l/queues/session-events')).toEqual({
      project: 'p',
      location: 'l',
      queue: 'session-events',
    });
    expect(parseTaskName('projects/p/locations/l/queues/q/tasks/ab_c-1')).toEqual({
      queueName: 'projects/p/locations/l/queues/q',
      taskId: 'ab_c-1',
    });
  });

  it('rejects malformed names', () => {
    expect(parseLocationName('projects/p')).toBeUndefined();
    expect(parseQueueName('projects/p/locations/l/queues/has_underscore')).toBeUndefined();
    expect(parseQueueName('projects/p/locations/l/queues/q/extra')).toBeUndefined();
    expect(parseTaskName('projects/p/locations/l/queues/q/tasks/')).toBeUndefined();
    expect(parseTaskName('projects/p/locations/l/queues/q/tasks/a/b')).toBeUndefined();
    expect(parseTaskName(`projects/p/locations/l/queues/q/tasks/${'x'.repeat(501)}`)).toBeUndefined();
  });

  it('generates distinct 19-digit ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, generateTaskId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^\d{19}$/);
  });
});
