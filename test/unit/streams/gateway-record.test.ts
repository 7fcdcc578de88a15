import { scanGatewayDatasources, toGatewayRecord, toMember } from '../../../src/streams/gateway-record.js';

const GW = '6B1F0E3C-2A4D-4C1B-9E2F-0D1C2B3A4F5E';
const READ_AT = '2026-01-02T03:04:05.000Z';

describe('gateways mapping', () => {
  test('the scan binds datasource ids to lower-cased gateway ids, misconfigured instances too', () => {
    const into = new Map<string, Set<string>>();
    scanGatewayDatasources(
      {
        datasourceInstances: [
          { datasourceType: 'Sql', datasourceId: 'ds-1', gatewayId: GW },
          { datasourceType: 'Web', datasourceId: 'ds-cloud' },
          { datasourceType: 'Sql', datasourceId: 'ds-2', gatewayId: GW.toLowerCase() },
        ],
        misconfiguredDatasourceInstances: [{ datasourceType: 'Sql', datasourceId: 'ds-3', gatewayId: GW }],
      },
      into,
    );
    expect([...into.keys()]).toEqual([GW.toLowerCase()]);
    expect([...into.get(GW.toLowerCase())!].sort()).toEqual(['ds-1', 'ds-2', 'ds-3']);
  });

  test('a gateway only the scan knows: name null, source scan', () => {
    const record = toGatewayRecord({ id: 'gw', scanDatasourceIds: new Set(['b', 'a']) }, READ_AT);
    expect(record).toEqual({
      id: 'gw',
      readAt: READ_AT,
      source: 'scan',
      name: null,
      type: null,
      status: null,
      version: null,
      members: null,
      datasourceIds: ['a', 'b'],
      apiDatasourceIds: null,
    });
  });

  test('Get Gateways fields, the annotation version and both datasource lists joined', () => {
    const api = {
      id: 'gw',
      name: 'Dallas gateway',
      type: 'Resource',
      gatewayStatus: 'Live',
      gatewayAnnotation: JSON.stringify({ gatewayVersion: '3000.250.3', gatewayMachine: 'M1' }),
    };
    const record = toGatewayRecord(
      {
        id: 'gw',
        api,
        scanDatasourceIds: new Set(['x', 'y']),
        apiDatasourceIds: ['z', 'x'],
        members: [{ id: 'gw', name: 'M1', version: '3000.250.3' }],
      },
      READ_AT,
    );
    expect(record).toMatchObject({
      source: 'scan+api',
      name: 'Dallas gateway',
      type: 'Resource',
      status: 'Live',
      version: '3000.250.3',
      datasourceIds: ['x', 'y', 'z'],
      apiDatasourceIds: ['x', 'z'],
    });
    expect(
      toGatewayRecord({ id: 'gw', api: { ...api, gatewayAnnotation: '{not json' } }, READ_AT),
    ).toMatchObject({ source: 'api', version: null, datasourceIds: [] });
  });

  test('members: Fabric fields, ids lower-cased, entries without id dropped', () => {
    expect(toMember({ id: 'AB-1', displayName: 'GW-01', version: '3000.1.1', enabled: true })).toEqual({
      id: 'ab-1',
      name: 'GW-01',
      version: '3000.1.1',
    });
    expect(toMember({ displayName: 'no id' })).toBeNull();
  });
});
