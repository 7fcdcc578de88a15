/** The lineage page must not show two different reports as identical boxes. */
import { distinguished, type ConsumerNode } from '../../../scripts/demo/lineage-graph.js';

const report = (id: string, label: string, context?: string): ConsumerNode => ({
  id,
  kind: 'report',
  label,
  detail: `report ${label}`,
  ...(context === undefined ? {} : { context }),
});

test('same name in the same workspace: each box shows the start of its id; other boxes stay as they are', () => {
  const nodes = distinguished([
    report('aaaaaaaa-1111', 'Sales', 'Finance'),
    report('bbbbbbbb-2222', 'Sales', 'Finance'),
    report('cccccccc-3333', 'Sales', 'Marketing'),
    report('dddddddd-4444', 'Orders'),
  ]);
  expect(nodes.map((n) => n.context ?? null)).toEqual([
    'Finance · id aaaaaaaa',
    'Finance · id bbbbbbbb',
    'Marketing',
    null,
  ]);
  expect(nodes[0]!.detail).toContain('aaaaaaaa-1111');
});
