import { diagnosticKinds, edgesOf, lineageOf } from './helpers.js';

describe('data-access functions and their navigation', () => {
  test('Sql.Database("srv", "Sales"){[Schema="dbo",Item="Orders"]}[Data]', async () => {
    const { upstreams } = await lineageOf(
      'let Source = Sql.Database("srv.example.net", "Sales"), t = Source{[Schema="dbo",Item="Orders"]}[Data] in t',
    );
    expect(upstreams).toEqual([
      {
        platform: 'sqlserver',
        server: 'srv.example.net',
        database: 'Sales',
        schema: 'dbo',
        table: 'Orders',
        qualifiedName: 'sales.dbo.orders',
        kind: 'table',
        via: 'Sql.Database',
      },
    ]);
  });

  test('Sql.Databases("srv"){[Name="Hr"]}[Data]{[Schema="people",Item="Staff"]}[Data]', async () => {
    expect(
      await edgesOf(
        'let S = Sql.Databases("srv"), Db = S{[Name="Hr"]}[Data], T = Db{[Schema="people",Item="Staff"]}[Data] in T',
      ),
    ).toEqual(['sqlserver:hr.people.staff']);
  });

  test('Sql.Database("srv", "Ops", [Query="select * from Jobs j join audit.Runs r on ..."])', async () => {
    const { upstreams } = await lineageOf(
      'let Source = Sql.Database("srv", "Ops", [Query="select j.id from Jobs j#(lf)join audit.Runs r on r.job = j.id"]) in Source',
    );
    expect(upstreams.map((u) => [u.qualifiedName, u.nativeQuery])).toEqual([
      ['ops.audit.runs', true],
      ['ops.dbo.jobs', true],
    ]);
  });

  test('Sql.Database("x.datawarehouse.fabric.microsoft.com", "Lake") is a Fabric SQL endpoint', async () => {
    expect(
      await edgesOf(
        'let S = Sql.Database("abc.datawarehouse.fabric.microsoft.com", "Lake"), T = S{[Schema="dbo",Item="Trips"]}[Data] in T',
      ),
    ).toEqual(['fabric:lake.dbo.trips']);
  });

  test('Lakehouse.Contents(null){[workspaceId=..]}[Data]{[lakehouseId=..]}[Data]{[Id="sales",ItemKind="Table"]}[Data]', async () => {
    const { upstreams } = await lineageOf(
      'let S = Lakehouse.Contents(null), W = S{[workspaceId="w1"]}[Data], L = W{[lakehouseId="L1"]}[Data], T = L{[Id="sales",ItemKind="Table"]}[Data] in T',
    );
    expect(upstreams.map((u) => [u.platform, u.qualifiedName, u.via])).toEqual([
      ['fabric', 'l1.sales', 'Lakehouse.Contents'],
    ]);
  });

  test('Snowflake.Databases(...){[Name="DB",Kind="Database"]}..{[Name="V",Kind="View"]}[Data]', async () => {
    expect(
      await edgesOf(`let
        Source = Snowflake.Databases("acct.snowflakecomputing.com", "WH", [Role="R"]),
        Db = Source{[Name="FIN",Kind="Database"]}[Data],
        Sch = Db{[Name="GL",Kind="Schema"]}[Data],
        V = Sch{[Name="BALANCES",Kind="View"]}[Data]
      in V`),
    ).toEqual(['snowflake:fin.gl.balances']);
  });

  test('GoogleBigQuery.Database([BillingProject="bill"]){[Name="proj-1"]}[Data]{[Name="ds",Kind="Schema"]}..', async () => {
    const { upstreams } = await lineageOf(`let
      Source = GoogleBigQuery.Database([BillingProject="bill"]),
      P = Source{[Name="proj-1"]}[Data],
      D = P{[Name="ds",Kind="Schema"]}[Data],
      T = D{[Name="events",Kind="Table"]}[Data]
    in T`);
    expect(upstreams.map((u) => [u.qualifiedName, u.server])).toEqual([['proj-1.ds.events', 'bill']]);
  });

  test('Databricks.Catalogs(host, path, [Catalog="main"]){[Name="main",Kind="Database"]}..{[Name="t",Kind="Table"]}', async () => {
    expect(
      await edgesOf(`let
        S = Databricks.Catalogs("adb-1.azuredatabricks.net", "/sql/1.0/warehouses/x", [Catalog="main", Database=null]),
        C = S{[Name="main",Kind="Database"]}[Data],
        Sc = C{[Name="sales",Kind="Schema"]}[Data],
        T = Sc{[Name="orders",Kind="Table"]}[Data]
      in T`),
    ).toEqual(['databricks:main.sales.orders']);
  });

  test('DatabricksMultiCloud.Catalogs(...){[Item="t",Schema="s",Catalog="c"]}[Data]', async () => {
    expect(
      await edgesOf(
        'let S = DatabricksMultiCloud.Catalogs("h.cloud.databricks.com", "/sql/x", []), T = S{[Item="t",Schema="s",Catalog="c"]}[Data] in T',
      ),
    ).toEqual(['databricks:c.s.t']);
  });

  test('Value.NativeQuery(DatabricksMultiCloud.Catalogs(...), "select * from s.t") uses the Catalog option', async () => {
    expect(
      await edgesOf(
        'Value.NativeQuery(DatabricksMultiCloud.Catalogs("h", "/p", [Catalog="gold"]), "select * from s.t", null)',
      ),
    ).toEqual(['databricks:gold.s.t']);
  });

  test('PostgreSQL.Database("pg", "shop"){[Schema="public",Item="carts"]}[Data]', async () => {
    expect(
      await edgesOf(
        'let S = PostgreSQL.Database("pg", "shop"), T = S{[Schema="public",Item="carts"]}[Data] in T',
      ),
    ).toEqual(['postgres:shop.public.carts']);
  });

  test('PostgreSQL.Database("pg", "shop", [Query="select * from items"]) defaults to schema public', async () => {
    expect(await edgesOf('PostgreSQL.Database("pg", "shop", [Query="select * from items"])')).toEqual([
      'postgres:shop.public.items',
    ]);
  });

  test('MySQL.Database("my", "crm"){[Schema="crm",Item="leads"]}[Data] is database.table', async () => {
    expect(
      await edgesOf('let S = MySQL.Database("my", "crm"), T = S{[Schema="crm",Item="leads"]}[Data] in T'),
    ).toEqual(['mysql:crm.leads']);
  });

  test('Oracle.Database("db:1521/SALES.corp.com", [HierarchicalNavigation=true]){[Schema="HR"]}[Data]{[Name="EMP"]}[Data]', async () => {
    expect(
      await edgesOf(
        'let S = Oracle.Database("db:1521/SALES.corp.com", [HierarchicalNavigation=true]), H = S{[Schema="HR"]}[Data], E = H{[Name="EMP"]}[Data] in E',
      ),
    ).toEqual(['oracle:sales.hr.emp']);
  });

  test('AmazonRedshift.Database("rs", "dw"){[Name="mart"]}[Data]{[Name="facts"]}[Data]', async () => {
    expect(
      await edgesOf(
        'let S = AmazonRedshift.Database("rs", "dw"), M = S{[Name="mart"]}[Data], F = M{[Name="facts"]}[Data] in F',
      ),
    ).toEqual(['redshift:dw.mart.facts']);
  });

  test('AmazonAthena.Databases("eu-west-1"){[Name="AwsDataCatalog",Kind="Database"]}..{[Name="logs",Kind="Table"]}', async () => {
    expect(
      await edgesOf(`let
        S = AmazonAthena.Databases("eu-west-1"),
        C = S{[Name="AwsDataCatalog",Kind="Database"]}[Data],
        D = C{[Name="web",Kind="Schema"]}[Data],
        T = D{[Name="logs",Kind="Table"]}[Data]
      in T`),
    ).toEqual(['athena:web.logs']);
  });

  test('Teradata.Database("td"){[Schema="RETAIL",Item="STORES"]}[Data] is database.table', async () => {
    expect(
      await edgesOf('let S = Teradata.Database("td"), T = S{[Schema="RETAIL",Item="STORES"]}[Data] in T'),
    ).toEqual(['teradata:retail.stores']);
  });

  test('Teradata.Database("td", [Query="sel * from RETAIL.STOCK"])', async () => {
    expect(await edgesOf('Teradata.Database("td", [Query="select * from RETAIL.STOCK"])')).toEqual([
      'teradata:retail.stock',
    ]);
  });

  test('Odbc.DataSource("driver={PostgreSQL Unicode};database=app"){[Name="app",Kind="Database"]}..', async () => {
    expect(
      await edgesOf(`let
        S = Odbc.DataSource("driver={PostgreSQL Unicode};server=h;database=app", [HierarchicalNavigation=true]),
        D = S{[Name="app",Kind="Database"]}[Data],
        Sc = D{[Name="billing",Kind="Schema"]}[Data],
        T = Sc{[Name="invoices",Kind="Table"]}[Data]
      in T`),
    ).toEqual(['postgres:app.billing.invoices']);
  });

  test('Odbc.Query("dsn=WH", "select * from orders") with the DSN mapped to snowflake/ANALYTICS.MART', async () => {
    const options = { odbcDsnMap: { wh: { platform: 'snowflake', database: 'ANALYTICS', schema: 'MART' } } };
    expect(await edgesOf('Odbc.Query("dsn=WH", "select * from orders")', { options })).toEqual([
      'snowflake:analytics.mart.orders',
    ]);
  });

  test('Odbc.Query([dsn="Unknown"], "select 1 from t") with no mapping reports the unknown platform', async () => {
    const result = await lineageOf('Odbc.Query([dsn="Unknown"], "select 1 from t")');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['unknown_platform']);
  });

  test('PowerPlatform.Dataflows(null){[Id="Workspaces"]}..{[entity="Customers",version=""]}[Data]', async () => {
    const { upstreams } = await lineageOf(`let
      Source = PowerPlatform.Dataflows(null),
      Workspaces = Source{[Id="Workspaces"]}[Data],
      W = Workspaces{[workspaceId="AAA"]}[Data],
      D = W{[dataflowId="BBB"]}[Data],
      E = D{[entity="Customers",version=""]}[Data]
    in E`);
    expect(upstreams.map((u) => [u.platform, u.kind, u.qualifiedName])).toEqual([
      ['dataflow', 'dataflow', 'aaa.bbb.customers'],
    ]);
  });

  test('PowerBI.Dataflows(null){[workspaceId="w"]}[Data]{[dataflowId="d"]}[Data]{[entity="Sales"]}[Data]', async () => {
    expect(
      await edgesOf(
        'PowerBI.Dataflows(null){[workspaceId="w"]}[Data]{[dataflowId="d"]}[Data]{[entity="Sales"]}[Data]',
      ),
    ).toEqual(['dataflow:w.d.sales']);
  });

  test('AnalysisServices.Database("powerbi://api.powerbi.com/v1.0/myorg/Sales%20Hub", "Model") is a dataset', async () => {
    const { upstreams } = await lineageOf(
      'let S = AnalysisServices.Database("powerbi://api.powerbi.com/v1.0/myorg/Sales%20Hub", "Model"), C = Table.Combine(S[Data]) in C',
    );
    expect(upstreams.map((u) => [u.platform, u.kind, u.qualifiedName])).toEqual([
      ['powerbi', 'dataset', 'sales hub.model'],
    ]);
  });

  test('Excel.Workbook(Web.Contents("https://x.sharepoint.com/sites/F/Shared Documents/Plan.xlsx")){[Item="P",Kind="Sheet"]}', async () => {
    const { upstreams } = await lineageOf(
      'let S = Excel.Workbook(Web.Contents("https://x.sharepoint.com/sites/F/Shared Documents/Plan.xlsx"), null, true), P = S{[Item="P",Kind="Sheet"]}[Data] in P',
    );
    expect(upstreams).toEqual([
      {
        platform: 'file',
        server: 'x.sharepoint.com',
        database: null,
        schema: null,
        table: 'https://x.sharepoint.com/sites/F/Shared Documents/Plan.xlsx',
        qualifiedName: 'https://x.sharepoint.com/sites/f/shared documents/plan.xlsx',
        kind: 'file',
        via: 'Web.Contents',
      },
    ]);
  });

  test('Csv.Document(File.Contents("C:\\data\\export.csv"))', async () => {
    expect(await edgesOf('Csv.Document(File.Contents("C:\\data\\export.csv"), [Delimiter=","])')).toEqual([
      'file:c:\\data\\export.csv',
    ]);
  });

  test('Web.Contents("https://h.example.com/api", [RelativePath="v1/items.csv"])', async () => {
    expect(
      await edgesOf('Csv.Document(Web.Contents("https://h.example.com/api", [RelativePath="v1/items.csv"]))'),
    ).toEqual(['file:https://h.example.com/api/v1/items.csv']);
  });

  test('SharePoint.Files(site){[Name="b.xlsx",#"Folder Path"=".../Docs/"]}[Content]', async () => {
    expect(
      await edgesOf(`let
        S = SharePoint.Files("https://x.sharepoint.com/sites/F", [ApiVersion=15]),
        F = S{[Name="b.xlsx",#"Folder Path"="https://x.sharepoint.com/sites/F/Docs/"]}[Content],
        W = Excel.Workbook(F)
      in W`),
    ).toEqual(['file:https://x.sharepoint.com/sites/f/docs/b.xlsx']);
  });

  test('Table.SelectRows(Folder.Files("\\\\share\\drop"), each [Extension] = ".csv") references the folder', async () => {
    expect(
      await edgesOf('Table.SelectRows(Folder.Files("\\\\share\\drop"), each [Extension] = ".csv")'),
    ).toEqual(['file:\\\\share\\drop']);
  });

  test('SapHana.Database("hana:30015") is reported as an unsupported function by name', async () => {
    const result = await lineageOf('let S = SapHana.Database("hana:30015"), T = S{[Name="X"]}[Data] in T');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ kind: 'unsupported_function', functionName: 'SapHana.Database' }),
    ]);
  });

  test('Sql.Database("srv", "db") used without navigation says no table can be named', async () => {
    expect(
      await diagnosticKinds(
        'let S = Sql.Database("srv", "db"), R = Table.SelectRows(S, each [Kind] = "Table") in R',
      ),
    ).toEqual(['unresolved_navigation']);
  });
});
