import { activityEventsStream } from '../../../src/streams/activity-events.js';
import { toActivityRecord } from '../../../src/streams/activity-event-record.js';
import { toAppRecord } from '../../../src/streams/app-record.js';
import { appsStream } from '../../../src/streams/apps.js';
import { sha256Hex } from '../../../src/streams/privacy.js';
import { refreshHistoryStream } from '../../../src/streams/refresh-history.js';
import { errorCodeOf, toRefreshRecord } from '../../../src/streams/refresh-record.js';
import { schemaErrors } from './record-validator.js';

// Shapes from Microsoft's examples (Admin_GetActivityEvents, Datasets_GetRefreshHistoryInGroup, Apps_GetAppsAsAdmin).
const event = {
  Id: '8ebb5a16-6fb5-4b2a-9d87-1f2b0fd4ad3e',
  RecordType: 20,
  CreationTime: '2019-08-13T07:55:15',
  Operation: 'ViewReport',
  OrganizationId: 'e43e1be7-0000-4b5e-9d1c-000000000000',
  UserType: 0,
  UserKey: '779438769',
  Workload: 'PowerBI',
  UserId: 'John@contoso.com',
  ClientIP: '127.0.0.1',
  Activity: 'ViewReport',
  WorkSpaceName: 'Sales',
  ReportId: 'a4f3c0a7-0000-4d3f-9f2e-000000000000',
  IsSuccess: true,
};

describe('activity event mapping', () => {
  it('keeps the event, with the time in UTC and the day of its window', () => {
    const record = toActivityRecord(event, 'keep')!;
    expect(record).toMatchObject({
      id: event.Id,
      creationTime: '2019-08-13T07:55:15.000Z',
      day: '2019-08-13',
      userId: 'John@contoso.com',
      workspaceName: 'Sales',
      recordType: 20,
      isSuccess: true,
    });
    expect(schemaErrors(activityEventsStream, record)).toBeNull();
  });

  it('hashes or drops user id, user key and client IP', () => {
    const hashed = toActivityRecord(event, 'hash')!;
    expect(hashed.userId).toBe(sha256Hex('john@contoso.com'));
    expect(hashed.userKey).toBe(sha256Hex('779438769'));
    expect(hashed.clientIp).toBe(sha256Hex('127.0.0.1'));
    const dropped = toActivityRecord(event, 'drop')!;
    expect([dropped.userId, dropped.userKey, dropped.clientIp]).toEqual([null, null, null]);
    expect(schemaErrors(activityEventsStream, dropped)).toBeNull();
  });

  it('skips an event it cannot key or place in time', () => {
    expect(toActivityRecord({ ...event, Id: undefined }, 'keep')).toBeNull();
    expect(toActivityRecord({ ...event, CreationTime: 'yesterday' }, 'keep')).toBeNull();
  });
});

describe('refresh mapping', () => {
  const artifact = { type: 'Dataset' as const, workspaceId: 'ws', id: 'ds' };
  const failed = {
    refreshType: 'ViaApi',
    startTime: '2017-06-13T09:25:43.153Z',
    endTime: '2017-06-13T09:31:43.153Z',
    serviceExceptionJson: '{"errorCode":"ModelRefreshFailed_CredentialsNotSpecified"}',
    status: 'Failed',
    requestId: '11bf290a-346b-48b7-8973-c5df149337ff',
    refreshAttempts: [{ attemptId: 1 }],
  };

  it('reads the error code out of serviceExceptionJson', () => {
    const record = toRefreshRecord(artifact, failed)!;
    expect(record).toMatchObject({
      refreshId: failed.requestId,
      errorCode: 'ModelRefreshFailed_CredentialsNotSpecified',
      durationSeconds: 360,
      attempts: 1,
    });
    expect(schemaErrors(refreshHistoryStream, record)).toBeNull();
    expect(errorCodeOf('not json')).toBeNull();
  });

  it('leaves a running refresh for a later read and keys dataflow transactions by their id', () => {
    expect(
      toRefreshRecord(artifact, { requestId: 'r', startTime: failed.startTime, status: 'Unknown' }),
    ).toBeNull();
    const flow = toRefreshRecord(
      { type: 'Dataflow', workspaceId: 'ws', id: 'df' },
      {
        id: '2020-08-26T16:40:55.0968787Z@e33e$1',
        startTime: failed.startTime,
        endTime: failed.endTime,
        status: 'Success',
      },
    )!;
    expect(flow.refreshId).toBe('2020-08-26T16:40:55.0968787Z@e33e$1');
    expect(flow.errorCode).toBeNull();
  });
});

describe('app mapping', () => {
  const app = {
    id: 'ce25a05c-4042-5d02-bfdd-065a744016d4',
    name: 'Sales',
    publishedBy: 'John Nick',
    lastUpdate: '2026-11-20T16:10:00.093Z',
    workspaceId: '1cefcbdb-f433-50ac-a360-2c03dce0866e',
  };

  it('says null (unknown) rather than [] when the source workspace was never scanned', () => {
    const record = toAppRecord(app, undefined, '2026-11-21T00:00:00.000Z', 'hash')!;
    expect(record.reports).toBeNull();
    expect(record.publishedBy).toBe(sha256Hex('john nick'));
    expect(schemaErrors(appsStream, record)).toBeNull();
    const known = toAppRecord(app, { reports: [], dashboardIds: [] }, '2026-11-21T00:00:00.000Z', 'keep')!;
    expect(known.reports).toEqual([]);
    expect(known.publishedBy).toBe('John Nick');
  });
});
