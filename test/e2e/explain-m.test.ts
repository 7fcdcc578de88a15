import { spawn } from 'node:child_process';
import { writeInputs } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';

function explain(
  lines: string[],
  args: string[] = [],
): Promise<{ code: number | null; out: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'explain-m', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        out: stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** Each case is its own process: they run concurrently. */
describe('explain-m (why is this lineage missing?)', () => {
  test.concurrent(
    'answers one line per input: upstreams for good M, diagnostics for unsupported functions, errors for bad lines',
    async () => {
      const result = await explain([
        JSON.stringify({
          id: 'orders',
          expression:
            'let Source = Snowflake.Databases("acme.snowflakecomputing.com", "WH"), Db = Source{[Name="SALES",Kind="Database"]}[Data], S = Db{[Name="PUBLIC",Kind="Schema"]}[Data], T = S{[Name="ORDERS",Kind="Table"]}[Data] in T',
        }),
        JSON.stringify({ id: 'custom', expression: 'let Source = Contoso.Connector("x") in Source' }),
        '{ broken',
      ]);
      expect(result.code).toBe(0);
      expect(result.out).toHaveLength(3);
      expect(result.out[0]).toMatchObject({
        id: 'orders',
        upstreams: [{ platform: 'snowflake', qualifiedName: 'sales.public.orders' }],
      });
      expect(result.out[1]).toMatchObject({ id: 'custom', upstreams: [] });
      expect(JSON.stringify(result.out[1]!.diagnostics)).toContain('Contoso.Connector');
      expect(result.out[2]).toHaveProperty('error');
    },
  );

  test.concurrent('takes the ODBC DSN mapping from a connector config', async () => {
    const inputs = await writeInputs({
      config: {
        credentials: {
          auth_type: 'service_principal_secret',
          tenant_id: 'contoso.onmicrosoft.com',
          client_id: '11111111-2222-3333-4444-555555555555',
          client_secret: 'not-used-here-123',
        },
        lineage: { odbc_dsn_map: [{ dsn: 'WarehouseDSN', platform: 'snowflake', database: 'ANALYTICS' }] },
      },
    });
    const line = JSON.stringify({
      id: 'odbc',
      expression: 'let Source = Odbc.Query("dsn=WarehouseDSN", "SELECT * FROM PUBLIC.CUSTOMERS") in Source',
    });
    const result = await explain([line], ['--config', inputs.config!]);
    expect(result.out[0]).toMatchObject({
      upstreams: [{ platform: 'snowflake', qualifiedName: 'analytics.public.customers' }],
    });
  });

  test.concurrent("redacts the config's secrets from its answers, as every command's stdout is", async () => {
    const secret = 'SecretInTheQuery-0123456789';
    const inputs = await writeInputs({
      config: {
        credentials: {
          auth_type: 'service_principal_secret',
          tenant_id: 'contoso.onmicrosoft.com',
          client_id: '11111111-2222-3333-4444-555555555555',
          client_secret: secret,
        },
      },
    });
    const line = JSON.stringify({
      id: 'leaky',
      expression: `let Source = Sql.Database("srv", "${secret}"){[Schema="dbo",Item="T"]}[Data] in Source`,
    });
    const [withConfig, without] = await Promise.all([
      explain([line], ['--config', inputs.config!]),
      explain([line]),
    ]);
    expect(JSON.stringify(withConfig.out)).not.toContain(secret);
    expect(JSON.stringify(withConfig.out)).toContain('**********');
    // Without the config the value is not known to be a secret: the answer carries it (the test can fail).
    expect(JSON.stringify(without.out)).toContain(secret);
  });

  test.concurrent(
    "--columns: the column lineage of each line's columns; a line without them is an error line",
    async () => {
      const result = await explain(
        [
          JSON.stringify({
            id: 'customers',
            expression:
              'let Source = Sql.Database("sql-01", "EDW"), T = Source{[Schema="dbo",Item="DimCustomer"]}[Data], R = Table.RenameColumns(T, {{"CustomerAlternateKey", "Customer ID"}}) in R',
            columns: ['Customer ID', 'City'],
          }),
          JSON.stringify({ id: 'no-columns', expression: 'Sql.Database("s", "d")' }),
        ],
        ['--columns'],
      );
      expect(result.code).toBe(0);
      expect(result.out[0]).toMatchObject({
        id: 'customers',
        columns: [
          {
            column: 'Customer ID',
            transformation: 'renamed',
            upstreams: [{ table: { qualifiedName: 'edw.dbo.dimcustomer' }, column: 'CustomerAlternateKey' }],
          },
          { column: 'City', transformation: 'identity', upstreams: [{ column: 'City' }] },
        ],
      });
      expect(result.out[1]).toMatchObject({
        id: 'no-columns',
        error: expect.stringContaining('--columns') as unknown,
      });
    },
  );
});
