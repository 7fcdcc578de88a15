import { daxReferences, type DaxModel, type DaxReference } from '../../../src/lineage/index.js';
import { DaxTokenizer, type DaxToken } from '../../../src/lineage/dax/dax-tokens.js';

const model: DaxModel = {
  tables: new Map<string, string[]>([
    [
      'Sales',
      ['Amount', 'Quantity', 'Net Price', 'Order Date', 'Ship Date', 'ProductKey', 'Unit]Cost', 'Margin'],
    ],
    ['Sales Fact', ['Revenue']],
    ["O'Brien Ltd", ['Balance']],
    ['Date', ['Date', 'Year', 'Month', 'Fiscal Year']],
    ['Product', ['ProductKey', 'Color', 'Category']],
    ['Budget', ['Region', 'Amount']],
  ]),
  measures: new Map([
    ['Sales Amount', 'Sales'],
    ['Total Quantity', 'Sales'],
    ['Margin %', 'Sales'],
    ['Margin', 'Budget'],
  ]),
};

const column = (table: string, name: string): DaxReference => ({ kind: 'column', table, column: name });
const measure = (table: string, name: string): DaxReference => ({ kind: 'measure', table, measure: name });
const table = (name: string): DaxReference => ({ kind: 'table', table: name });

function refs(expression: string, host = 'Sales'): DaxReference[] {
  return daxReferences(expression, { table: host }, model).references;
}

/** The diagnostics as `kind parameter` lines. */
function problems(expression: string, host = 'Sales'): string[] {
  return daxReferences(expression, { table: host }, model).diagnostics.map((d) =>
    [d.kind, d.parameter].filter(Boolean).join(' '),
  );
}

describe('DAX references: names', () => {
  test.each([
    ['Sales[Amount]', column('Sales', 'Amount')],
    ["'Sales'[Amount]", column('Sales', 'Amount')],
    ["'Sales Fact'[Revenue]", column('Sales Fact', 'Revenue')],
    ["'O''Brien Ltd'[Balance]", column("O'Brien Ltd", 'Balance')],
    ['Sales[Unit]]Cost]', column('Sales', 'Unit]Cost')],
    ["'Sales' /* between */ [Net Price]", column('Sales', 'Net Price')],
    ['Sales\n  [Order Date]', column('Sales', 'Order Date')],
  ])('%s is a column', (expression, expected) => {
    expect(daxReferences(expression, {}, model)).toEqual({ references: [expected], diagnostics: [] });
  });

  test('names resolve ignoring case and come back as the model spells them', () => {
    expect(
      refs("SUM(sales[AMOUNT]) + 'SALES FACT'[revenue] + [sales amount] + [net price] + COUNTROWS(product)"),
    ).toEqual([
      column('Sales', 'Amount'),
      column('Sales Fact', 'Revenue'),
      measure('Sales', 'Sales Amount'),
      column('Sales', 'Net Price'),
      table('Product'),
    ]);
  });

  test('Table[Measure] is the measure, with its home table', () => {
    expect(refs('Sales[Total Quantity] * 2', 'Date')).toEqual([measure('Sales', 'Total Quantity')]);
  });

  test('Table[Name] is the column of that table even when a measure of another table has the name', () => {
    expect(refs('SUM(Sales[Margin])')).toEqual([column('Sales', 'Margin')]);
  });
});

describe('DAX references: unqualified [name]', () => {
  test('a measure of the model (any home table) wins over a column of the host table', () => {
    expect(refs('[Margin] + [margin %]')).toEqual([
      measure('Budget', 'Margin'),
      measure('Sales', 'Margin %'),
    ]);
  });

  test('else a column of the host table (calculated columns; measures on their home table)', () => {
    expect(refs('[Quantity] * [Net Price]', 'Sales')).toEqual([
      column('Sales', 'Quantity'),
      column('Sales', 'Net Price'),
    ]);
    expect(refs('[Region]', 'Budget')).toEqual([column('Budget', 'Region')]);
  });

  test('else a diagnostic naming it, and no invented reference', () => {
    const result = daxReferences('[Quantity] + [Discount]', { table: 'Date' }, model);
    expect(result.references).toEqual([]);
    expect(result.diagnostics).toEqual([
      {
        kind: 'unresolved_reference',
        parameter: '[Quantity]',
        message:
          "[Quantity] is not a measure of the model, nor a column of 'Date'; no reference is made for it.",
      },
      expect.objectContaining({ kind: 'unresolved_reference', parameter: '[Discount]' }),
    ]);
  });

  test('without a host table a column name alone is unresolved', () => {
    expect(daxReferences('[Quantity]', {}, model)).toEqual({
      references: [],
      diagnostics: [
        {
          kind: 'unresolved_reference',
          parameter: '[Quantity]',
          message:
            '[Quantity] is not a measure of the model, no host table is given; no reference is made for it.',
        },
      ],
    });
  });

  test('a host table that is not in the model resolves nothing', () => {
    expect(refs('[Quantity]', 'Missing')).toEqual([]);
    expect(problems('[Quantity]', 'Missing')).toEqual(['unresolved_reference [Quantity]']);
  });
});

describe('DAX references: whole tables', () => {
  test.each([
    ['COUNTROWS(Sales)', 'Sales'],
    ["COUNTROWS('Sales')", 'Sales'],
    ["COUNTROWS ( 'Sales Fact' )", 'Sales Fact'],
    ['Product', 'Product'],
    ["'Date'", 'Date'],
    ['CALCULATETABLE(Budget, ALL(Budget))', 'Budget'],
  ])('%s uses the table %s', (expression, name) => {
    expect(daxReferences(expression, {}, model)).toEqual({ references: [table(name)], diagnostics: [] });
  });

  test('a table used through its columns is not also a whole-table reference', () => {
    expect(refs('SUM(Sales[Amount])')).toEqual([column('Sales', 'Amount')]);
  });
});

describe('DAX references: what is not a table', () => {
  test('function names, with or without a space before the parenthesis, are not tables', () => {
    expect(
      daxReferences('CALCULATE (SUM ( Sales[Amount] ), KEEPFILTERS(TRUE()))', {}, model).references,
    ).toEqual([column('Sales', 'Amount')]);
    expect(daxReferences('COUNTROWS(INFO.TABLES())', {}, model)).toEqual({ references: [], diagnostics: [] });
  });

  test('DATE( is the function even though the model has a table named Date', () => {
    expect(refs("DATE(2024, 1, 1) < MAX('Date'[Date])")).toEqual([column('Date', 'Date')]);
  });

  test('keywords and operators are not tables', () => {
    const expression =
      'IF(NOT ISBLANK([Sales Amount]) && TRUE || FALSE, 1, 0) + (Product[Color] IN {"Red", "Blue"})';
    expect(daxReferences(expression, {}, model)).toEqual({
      references: [measure('Sales', 'Sales Amount'), column('Product', 'Color')],
      diagnostics: [],
    });
  });

  test('option words in arguments (intervals, types, directions) are not tables', () => {
    const expressions = [
      "CALCULATE([Sales Amount], DATEADD('Date'[Date], -1, YEAR))",
      "DATEDIFF(MIN('Date'[Date]), MAX('Date'[Date]), MONTH)",
      'DATATABLE("Name", STRING, "Value", INTEGER, {{"a", 1}})',
      'CALCULATE([Sales Amount], CROSSFILTER(Sales[ProductKey], Product[ProductKey], BOTH))',
      'RANKX(ALL(Product[Category]), [Sales Amount], , DESC, DENSE)',
    ];
    for (const expression of expressions) {
      const found = daxReferences(expression, {}, model);
      expect({
        expression,
        tables: found.references.filter((r) => r.kind === 'table'),
        diagnostics: found.diagnostics,
      }).toEqual({ expression, tables: [], diagnostics: [] });
    }
  });

  test('an option word followed by [name] is a table so named', () => {
    const withMonth: DaxModel = { tables: new Map([['Month', ['Name']]]), measures: new Map() };
    expect(daxReferences('MAX(Month[Name])', {}, withMonth).references).toEqual([column('Month', 'Name')]);
  });

  test('VAR names are not tables, wherever they are used, in any letter case', () => {
    const expression = `
      VAR Filtered = FILTER(Sales, Sales[Quantity] > 1)
      VAR total = SUMX(Filtered, Sales[Amount])
      RETURN IF(COUNTROWS(filtered) > 0, TOTAL, BLANK())`;
    expect(daxReferences(expression, {}, model)).toEqual({
      references: [table('Sales'), column('Sales', 'Quantity'), column('Sales', 'Amount')],
      diagnostics: [],
    });
  });

  test('a column read through a table variable (t[Col]) is not a reference of the model', () => {
    expect(
      daxReferences('VAR t = VALUES(Product[Color]) RETURN CONCATENATEX(t, t[Color], ",")', {}, model),
    ).toEqual({
      references: [column('Product', 'Color')],
      diagnostics: [],
    });
  });

  test('RETURN [Measure] and NOT [Measure] are unqualified references', () => {
    expect(refs('VAR x = 1 RETURN NOT [Sales Amount]')).toEqual([measure('Sales', 'Sales Amount')]);
  });
});

describe('DAX references: strings and comments are not read for names', () => {
  test.each([
    ['"[Ref]"'],
    ['"\'Fake\'[Ref]"'],
    ['"say ""[Ref]"" twice"'],
    ["// 'Fake'[Ref]\n"],
    ['-- Fake[Ref] and [Ref]\n'],
    ["/* 'Fake'[Ref]\n [Ref] */"],
    ["/* an apostrophe ' in a comment */"],
    ['// a quote " in a comment\n'],
  ])('%s', (noise) => {
    expect(daxReferences(`Sales[Amount] & ${noise} & Product[Color]`, {}, model)).toEqual({
      references: [column('Sales', 'Amount'), column('Product', 'Color')],
      diagnostics: [],
    });
  });

  test('a comment at the very end, without a newline, ends the text', () => {
    expect(refs('[Sales Amount] -- [Total Quantity]')).toEqual([measure('Sales', 'Sales Amount')]);
  });
});

describe('DAX references: names not in the model', () => {
  test('a table not in the model is kept as written, with a diagnostic naming it', () => {
    const result = daxReferences("COUNTROWS('Web Visits') + SUM(Returns[Qty]) + COUNTROWS(Other)", {}, model);
    expect(result.references).toEqual([table('Web Visits'), column('Returns', 'Qty'), table('Other')]);
    expect(result.diagnostics.map((d) => d.parameter)).toEqual(["'Web Visits'", "'Returns'[Qty]", "'Other'"]);
    expect(result.diagnostics.every((d) => d.kind === 'unresolved_reference')).toBe(true);
  });

  test('a column a model table does not have is kept, with the model spelling of the table', () => {
    const result = daxReferences('SUM(sales[Discount])', {}, model);
    expect(result.references).toEqual([column('Sales', 'Discount')]);
    expect(result.diagnostics).toEqual([
      {
        kind: 'unresolved_reference',
        parameter: "'sales'[Discount]",
        message:
          "'sales'[Discount]: 'Sales' has no column or measure [Discount] in the model; kept as written.",
      },
    ]);
  });

  test('one diagnostic per unresolved name however often it appears', () => {
    expect(problems('[Nope] + [NOPE] + X[y] + x[Y]')).toEqual([
      "unresolved_reference 'X'[y]",
      'unresolved_reference [Nope]',
    ]);
  });
});

describe('DAX references: each once, in the order first seen', () => {
  test('repeated references are deduplicated ignoring case', () => {
    expect(
      refs('Sales[Amount] + [Sales Amount] + sales[amount] + [SALES AMOUNT] + COUNTROWS(Sales) + Sales'),
    ).toEqual([column('Sales', 'Amount'), measure('Sales', 'Sales Amount'), table('Sales')]);
  });
});

describe('DAX references: realistic measures', () => {
  test('CALCULATE with filters, ALL and KEEPFILTERS (DAX Formatter layout)', () => {
    const expression = `
      CALCULATE (
          [Sales Amount],
          KEEPFILTERS ( Product[Color] = "Red" ),
          ALL ( 'Date'[Month] ),
          Sales[Quantity] > 1
      )`;
    expect(refs(expression)).toEqual([
      measure('Sales', 'Sales Amount'),
      column('Product', 'Color'),
      column('Date', 'Month'),
      column('Sales', 'Quantity'),
    ]);
  });

  test('time intelligence', () => {
    expect(refs('TOTALYTD([Sales Amount], \'Date\'[Date], "6/30")')).toEqual([
      measure('Sales', 'Sales Amount'),
      column('Date', 'Date'),
    ]);
    expect(
      refs("CALCULATE([Sales Amount], SAMEPERIODLASTYEAR('Date'[Date]), REMOVEFILTERS('Date'[Fiscal Year]))"),
    ).toEqual([measure('Sales', 'Sales Amount'), column('Date', 'Date'), column('Date', 'Fiscal Year')]);
  });

  test('SUMX over a table, with RELATED', () => {
    expect(refs('SUMX(Sales, Sales[Quantity] * RELATED(Product[Category]) * Sales[Net Price])')).toEqual([
      table('Sales'),
      column('Sales', 'Quantity'),
      column('Product', 'Category'),
      column('Sales', 'Net Price'),
    ]);
  });

  test('VAR / RETURN with a ratio', () => {
    const expression = `
      VAR CurrentSales = [Sales Amount]
      VAR PriorSales = CALCULATE([Sales Amount], DATEADD('Date'[Date], -1, YEAR))
      RETURN DIVIDE(CurrentSales - PriorSales, PriorSales)`;
    expect(daxReferences(expression, { table: 'Sales' }, model)).toEqual({
      references: [measure('Sales', 'Sales Amount'), column('Date', 'Date')],
      diagnostics: [],
    });
  });

  test('SWITCH(TRUE(), ...)', () => {
    const expression = `SWITCH(TRUE(),
      [Margin %] < 0, "Loss",
      SELECTEDVALUE(Product[Category]) = "Bikes", "Bikes",
      [Total Quantity] > 100, "Volume",
      "Other")`;
    expect(refs(expression)).toEqual([
      measure('Sales', 'Margin %'),
      column('Product', 'Category'),
      measure('Sales', 'Total Quantity'),
    ]);
  });

  test('USERELATIONSHIP', () => {
    expect(refs("CALCULATE([Sales Amount], USERELATIONSHIP(Sales[Ship Date], 'Date'[Date]))")).toEqual([
      measure('Sales', 'Sales Amount'),
      column('Sales', 'Ship Date'),
      column('Date', 'Date'),
    ]);
  });

  test('TREATAS over a table and over a column', () => {
    expect(refs('CALCULATE([Sales Amount], TREATAS(VALUES(Budget[Region]), Product[Category]))')).toEqual([
      measure('Sales', 'Sales Amount'),
      column('Budget', 'Region'),
      column('Product', 'Category'),
    ]);
    expect(refs('CALCULATE([Sales Amount], TREATAS({"Red", "Blue"}, \'Product\'[Color]))')).toEqual([
      measure('Sales', 'Sales Amount'),
      column('Product', 'Color'),
    ]);
  });

  test('columns added by the expression are no unresolved references', () => {
    const expression = `
      VAR ByCategory = ADDCOLUMNS(VALUES(Product[Category]), "CategorySales", [Sales Amount])
      RETURN MAXX(ByCategory, [CategorySales]) + SUMX(GENERATESERIES(1, 3), [Value]) + SUMX({1, 2}, [Value])`;
    expect(daxReferences(expression, { table: 'Sales' }, model)).toEqual({
      references: [column('Product', 'Category'), measure('Sales', 'Sales Amount')],
      diagnostics: [],
    });
  });
});

describe('DAX references: calculated columns and tables', () => {
  test('a calculated column reads its own table through unqualified names', () => {
    const expression = 'IF([Quantity] > 10, [Net Price] * 0.9, [Net Price]) + RELATED(Product[ProductKey])';
    expect(daxReferences(expression, { table: 'Sales' }, model)).toEqual({
      references: [
        column('Sales', 'Quantity'),
        column('Sales', 'Net Price'),
        column('Product', 'ProductKey'),
      ],
      diagnostics: [],
    });
  });

  test('a calculated table with SUMMARIZECOLUMNS', () => {
    const expression = 'SUMMARIZECOLUMNS(\'Date\'[Year], "Total", [Sales Amount])';
    expect(daxReferences(expression, { table: 'Yearly Totals' }, model)).toEqual({
      references: [column('Date', 'Year'), measure('Sales', 'Sales Amount')],
      diagnostics: [],
    });
  });

  test('a calendar table reads [Date] of CALENDAR', () => {
    const expression = 'ADDCOLUMNS(CALENDAR(DATE(2020, 1, 1), MAX(Sales[Order Date])), "Year", YEAR([Date]))';
    expect(daxReferences(expression, { table: 'Calendar' }, model)).toEqual({
      references: [column('Sales', 'Order Date')],
      diagnostics: [],
    });
  });

  test('a union of tables', () => {
    expect(
      refs('UNION(SELECTCOLUMNS(Budget, "Region", Budget[Region]), DISTINCT(\'Sales Fact\'))', 'All'),
    ).toEqual([table('Budget'), column('Budget', 'Region'), table('Sales Fact')]);
  });
});

describe('DAX references: broken and pathological text', () => {
  test.each([
    ['Sales[Amount] + "no end', 'string literal'],
    ["Sales[Amount] + 'Sales", 'quoted table name'],
    ['Sales[Amount] + [Sales', 'bracketed name'],
    ['Sales[Amount] /* no end', 'block comment'],
  ])('%s: what comes before is kept, the text is flagged', (expression, what) => {
    const result = daxReferences(expression, {}, model);
    expect(result.references).toEqual([column('Sales', 'Amount')]);
    expect(result.diagnostics).toEqual([
      {
        kind: 'unparsable_expression',
        message: `The DAX text ends inside a ${what}; nothing after its start is read.`,
      },
    ]);
  });

  const megabyte = 1_000_000;

  test.each([
    ['nested parentheses', '('.repeat(megabyte)],
    ['opening quotes', "'".repeat(megabyte - 1)],
    ['escaped quotes', `'${"''".repeat(megabyte / 2 - 1)}`],
    ['escaped brackets', `[${']]'.repeat(megabyte / 2 - 1)}`],
    ['comment openers', '/*'.repeat(megabyte / 2)],
    ['dashes', '-'.repeat(megabyte)],
  ])('a megabyte of %s is read through, linearly', (_shape, expression) => {
    const result = daxReferences(expression, { table: 'Sales' }, model);
    expect(result.references).toEqual([]);
    expect(result.diagnostics.length).toBeLessThanOrEqual(1);
  });

  test('a megabyte of real measures gives each reference once', () => {
    const measureText = 'CALCULATE([Sales Amount], \'Date\'[Year] = 2024, Product[Color] IN {"Red"}) + ';
    const expression = measureText.repeat(Math.floor(megabyte / measureText.length)) + '0';
    expect(daxReferences(expression, {}, model)).toEqual({
      references: [measure('Sales', 'Sales Amount'), column('Date', 'Year'), column('Product', 'Color')],
      diagnostics: [],
    });
  });

  test('many distinct unresolved names: 100 listed, the rest counted', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `[Missing ${i}]`);
    const result = daxReferences(names.join(' + '), { table: 'Sales' }, model);
    expect(result.references).toEqual([]);
    expect(result.diagnostics).toHaveLength(101);
    expect(result.diagnostics[99]?.parameter).toBe('[Missing 99]');
    expect(result.diagnostics[100]).toEqual({
      kind: 'unresolved_reference',
      message: '4,900 more unresolved references are not listed.',
    });
  });

  test('a text over the limit is not read', () => {
    const expression = 'Sales[Amount] + 1';
    expect(daxReferences(expression, {}, model, { maxTextChars: expression.length })).toEqual({
      references: [column('Sales', 'Amount')],
      diagnostics: [],
    });
    expect(daxReferences(expression, {}, model, { maxTextChars: expression.length - 1 })).toEqual({
      references: [],
      diagnostics: [
        {
          kind: 'limit_exceeded',
          message: 'The DAX text has 17 characters, more than the 16 the analysis reads.',
        },
      ],
    });
  });

  test('the default limit is the M text limit (1 MiB)', () => {
    const result = daxReferences(' '.repeat(1_048_577), {}, model);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['limit_exceeded']);
  });
});

describe('DAX tokenizer', () => {
  function tokens(text: string): DaxToken[] {
    const tokenizer = new DaxTokenizer(text);
    const found: DaxToken[] = [];
    for (let token = tokenizer.next(); token !== undefined; token = tokenizer.next()) found.push(token);
    return found;
  }

  test('numbers, names with dots, symbols and escapes', () => {
    expect(tokens('1.5E3 .5 INFO.TABLES ( \'a\'\'b\' [c]]d] "e""f" <> é')).toEqual([
      { kind: 'number', text: '1.5E3' },
      { kind: 'number', text: '.5' },
      { kind: 'name', text: 'INFO.TABLES' },
      { kind: 'symbol', text: '(' },
      { kind: 'quoted', text: "a'b" },
      { kind: 'bracket', text: 'c]d' },
      { kind: 'string', text: 'e"f' },
      { kind: 'symbol', text: '<' },
      { kind: 'symbol', text: '>' },
      { kind: 'name', text: 'é' },
    ]);
  });

  test('empty literals and names', () => {
    expect(tokens('"" \'\' []')).toEqual([
      { kind: 'string', text: '' },
      { kind: 'quoted', text: '' },
      { kind: 'bracket', text: '' },
    ]);
  });
});
