/**
 * Walks an M AST backwards from its output: a lazy, abstract evaluation. `let` steps are evaluated
 * only when something that feeds the output refers to them, so unused steps contribute nothing.
 * `if` keeps both branches, `try ... otherwise` both sides, and user functions / `each` bodies are
 * evaluated with unknown arguments so references inside them are kept.
 */
import * as PQP from '@microsoft/powerquery-parser';
import type { CallContext, FunctionTable } from './call-context.js';
import { decideEquality, decideLogical, knownLogical } from './conditions.js';
import { unionOfColumns, type ColumnSet } from './columns.js';
import { rowFieldReferences } from './field-references.js';
import { freeNames } from './free-names.js';
import { columnsAfterStep, type StepContext } from './table-steps.js';
import { isLibraryName, isPureLibraryFunction } from './library.js';
import { formatCount, type AnalysisLimits, type Deadline } from '../limits.js';
import { decodeMIdentifier, decodeMTextLiteral } from './m-string.js';
import { navigate } from './navigation.js';
import { referenceKey } from '../reference.js';
import type { MAst } from './parse-m.js';
import { inferStructuredSource, structuredSourceCall, type StructuredCall } from './structured-source.js';
import type { DataSourceHint, LineageDiagnostic, LineageOptions } from '../types.js';
import {
  EMPTY,
  logical,
  mergeAllRefs,
  mergeRefs,
  opaque,
  tableValue,
  text,
  textOf,
  unresolvedOf,
  type Closure,
  type MValue,
  type Refs,
} from './values.js';

type Ast = typeof PQP.Language.Ast;
type TNode = PQP.Language.Ast.TNode;
const NodeKind: Ast['NodeKind'] = PQP.Language.Ast.NodeKind;

/**
 * From this depth of nested evaluation on, a step's dependencies are evaluated first, one after the
 * other (see forceDependencies), so a chain of any number of steps, each using the one before, does
 * not nest once per step. Shallower walks behave exactly as a plain recursive walk.
 */
const DEPENDENCIES_FIRST_DEPTH = 64;
/**
 * Nested evaluation deeper than this (an `if … else if …` chain of a thousand branches, dataset
 * queries calling each other a thousand deep) stops with a `limit_exceeded` diagnostic; the stack
 * of the calling thread stays well within bounds.
 */
export const MAX_EVALUATION_DEPTH = 1_000;
/** Cap on the branches a data-access call is expanded into when arguments are `if` choices. */
const MAX_CHOICES = 16;
/** Lists built with `&` beyond this many items are not followed item by item (their references are kept). */
const MAX_LIST_ITEMS = 100_000;

interface Binding {
  readonly name: string;
  readonly node: TNode;
  readonly scope: Scope;
  value?: MValue;
  busy?: boolean;
  /** The steps its expression refers to, once computed. */
  dependencies?: readonly Binding[];
}

class Scope {
  constructor(
    readonly parent: Scope | undefined,
    readonly bindings: Map<string, Binding | MValue>,
  ) {}
}

/** Names defined outside the expression: dataset parameters and queries. */
export interface Globals {
  /** Value of a dataset-level name, evaluating a shared query with `evaluate` if needed. */
  lookup(
    name: string,
    evaluate: (ast: MAst) => MValue,
    report: (d: LineageDiagnostic) => void,
  ): MValue | undefined;
}

export interface WalkEnvironment {
  readonly functions: FunctionTable;
  readonly options: LineageOptions;
  readonly globals: Globals;
  /** The dataset's datasources, for structured data source names that do not say what they are. */
  readonly dataSources: readonly DataSourceHint[];
  readonly sqlTablePaths: (
    sql: string,
    platform: string,
    deadline?: Deadline,
  ) => ReturnType<CallContext['sqlTablePaths']>;
  readonly sqlColumns: (
    sql: string,
    platform: string,
    deadline?: Deadline,
  ) => ReturnType<CallContext['sqlColumns']>;
  readonly limits: Readonly<AnalysisLimits>;
  /** The table's time budget: checked as the walk goes, its LimitExceededError ends the walk. */
  readonly deadline: Deadline;
  /** Follow columns through Table.* steps (column lineage); table-level lineage does not need it. */
  readonly trackColumns?: boolean;
}

function isBinding(entry: Binding | MValue): entry is Binding {
  return 'node' in entry;
}

function elementsOf<T>(wrapper: { elements: ReadonlyArray<{ node: T }> }): T[] {
  return wrapper.elements.map((csv) => csv.node);
}

/** Pushed last to first, so they pop first to last. */
function pushReversed<T>(stack: T[], items: readonly T[]): void {
  for (let index = items.length - 1; index >= 0; index -= 1) stack.push(items[index] as T);
}

/** What a walk too deep gives (values are never changed, so one instance serves). */
const OPAQUE: MValue = opaque();

export class Walker {
  private readonly diagnostics: LineageDiagnostic[] = [];
  private readonly closureRefs = new Map<Closure, Refs>();
  /** Closures being invoked: a call of one of them from inside itself (`@f`) is not followed again. */
  private readonly invoking = new Set<Closure>();
  private depth = 0;
  private depthReported = false;

  constructor(private readonly env: WalkEnvironment) {}

  get reported(): readonly LineageDiagnostic[] {
    return this.diagnostics;
  }

  report = (diagnostic: LineageDiagnostic): void => {
    this.diagnostics.push(diagnostic);
  };

  /** Evaluates a whole expression document in the global scope. */
  evaluateDocument = (ast: MAst): MValue => {
    if (ast.kind === NodeKind.Section) {
      this.report({ kind: 'unparsable_expression', message: 'Section documents are not table expressions.' });
      return opaque();
    }
    return this.evaluate(ast, new Scope(undefined, new Map()));
  };

  /**
   * Every upstream reference a value carries, looking into lists, records, branches and function
   * bodies; depth first, in order, without recursion (values can nest as deep as step chains are long).
   */
  refsOf = (root: MValue): Refs => {
    if (
      root.kind === 'text' ||
      root.kind === 'opaque' ||
      root.kind === 'null' ||
      root.kind === 'builtin' ||
      root.kind === 'logical'
    )
      return root.refs;
    const found: Refs[] = [];
    const pending: MValue[] = [root];
    for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
      found.push(value.refs);
      switch (value.kind) {
        case 'list':
          pushReversed(pending, value.items);
          break;
        case 'record':
          pushReversed(pending, [...value.fields.values()]);
          break;
        case 'choice':
          if (value.undecided !== undefined) found.push(this.branchRefs(value.options, value.undecided));
          else pushReversed(pending, value.options);
          break;
        case 'function':
          found.push(this.closureBodyRefs(value.closure));
          break;
        case 'source':
          if (value.state.fallback !== undefined) {
            found.push([value.state.fallback]);
            break;
          }
          this.report({
            kind: 'unresolved_navigation',
            functionName: value.state.via,
            message: `A ${value.state.via} source is used without navigating to a table; no table can be named.`,
          });
          break;
        case 'text':
        case 'null':
        case 'logical':
        case 'builtin':
        case 'opaque':
          break;
      }
    }
    return mergeAllRefs(found);
  };

  /**
   * The references of the branches of an undecided condition: one found in every branch is read
   * whatever the condition says; the others are alternatives, flagged so, with a diagnostic.
   */
  private branchRefs(options: readonly MValue[], undecided: { dependsOn?: string }): Refs {
    const perBranch = this.nested<Refs[]>([], () => options.map(this.refsOf));
    const inEvery = perBranch
      .map((refs) => new Set(refs.map(referenceKey)))
      .reduce((common, keys) => new Set([...common].filter((key) => keys.has(key))));
    const merged = mergeAllRefs(perBranch);
    // Alternatives are sources to choose between: a branch that reads nothing (an error, a constant
    // table, a recursive call not followed again) leaves the other's references as they are.
    const reading = perBranch.filter((refs) => refs.length > 0).length;
    if (reading < 2 || merged.every((ref) => inEvery.has(referenceKey(ref)))) return merged;
    const dependsOn = undecided.dependsOn;
    this.report({
      kind: 'undecidable_condition',
      ...(dependsOn === undefined ? {} : { parameter: dependsOn }),
      message:
        dependsOn === undefined
          ? 'A condition that is only known at refresh time chooses between sources; every branch is reported, each flagged as an alternative.'
          : `A condition on "${dependsOn}", whose value is unknown, chooses between sources; every branch is reported, each flagged as an alternative.`,
    });
    return merged.map((ref) =>
      inEvery.has(referenceKey(ref)) || ref.alternative === true ? ref : { ...ref, alternative: true },
    );
  }

  private closureBodyRefs(closure: Closure): Refs {
    const known = this.closureRefs.get(closure);
    if (known !== undefined) return known;
    this.closureRefs.set(closure, EMPTY);
    const refs = this.nested(EMPTY, () => this.refsOf(this.invokeClosure(closure, [])));
    this.closureRefs.set(closure, refs);
    return refs;
  }

  /** Runs `work` one level deeper; past MAX_EVALUATION_DEPTH, reports it (once) and gives `fallback`. */
  private nested<T>(fallback: T, work: () => T): T {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      this.tooDeep();
      return fallback;
    }
    this.depth += 1;
    try {
      return work();
    } finally {
      this.depth -= 1;
    }
  }

  private evaluate(node: TNode, scope: Scope): MValue {
    this.env.deadline.check();
    // nested(), written out: this is the walk's hottest path.
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      this.tooDeep();
      return OPAQUE;
    }
    this.depth += 1;
    try {
      return this.evaluateNode(node, scope);
    } finally {
      this.depth -= 1;
    }
  }

  private tooDeep(): void {
    if (this.depthReported) return;
    this.depthReported = true;
    this.report({
      kind: 'limit_exceeded',
      message: `The expression nests more than ${formatCount(MAX_EVALUATION_DEPTH)} levels deep (steps, branches, functions or dataset queries within each other); the analysis did not follow it further, so lineage from there is missing.`,
    });
  }

  private evaluateNode(node: TNode, scope: Scope): MValue {
    switch (node.kind) {
      case NodeKind.LetExpression:
        return this.evaluateLet(node, scope);
      case NodeKind.IdentifierExpression:
        return this.lookup(decodeMIdentifier(node.identifier.literal), scope);
      case NodeKind.LiteralExpression:
        return this.evaluateLiteral(node);
      case NodeKind.ParenthesizedExpression:
        return this.evaluate(node.content, scope);
      case NodeKind.MetadataExpression:
      case NodeKind.AsExpression:
        return this.evaluate(node.left, scope);
      case NodeKind.ArithmeticExpression:
        return this.evaluateArithmetic(node, scope);
      case NodeKind.EqualityExpression:
      case NodeKind.LogicalExpression:
        return this.evaluateComparison(node, scope);
      case NodeKind.RelationalExpression:
      case NodeKind.IsExpression:
        return opaque(
          mergeRefs(
            this.refsOf(this.evaluate(node.left, scope)),
            this.refsOf(this.evaluate(node.right, scope)),
          ),
        );
      case NodeKind.NullCoalescingExpression:
        return this.choice([this.evaluate(node.left, scope), this.evaluate(node.right, scope)], EMPTY);
      case NodeKind.UnaryExpression:
        return this.evaluateUnary(node, scope);
      case NodeKind.IfExpression:
        return this.evaluateIf(node, scope);
      case NodeKind.ErrorHandlingExpression: {
        const tried = this.evaluate(node.protectedExpression, scope);
        if (node.handler === undefined) return tried;
        return this.choice([tried, this.evaluate(node.handler.paired, scope)], EMPTY);
      }
      case NodeKind.ErrorRaisingExpression:
        return opaque(this.refsOf(this.evaluate(node.paired, scope)));
      case NodeKind.EachExpression:
        return { kind: 'function', closure: { params: ['_'], body: node.paired, scope }, refs: EMPTY };
      case NodeKind.FunctionExpression: {
        const params = elementsOf(node.parameters.content).map((param) =>
          decodeMIdentifier(param.name.literal),
        );
        return { kind: 'function', closure: { params, body: node.expression, scope }, refs: EMPTY };
      }
      case NodeKind.RecursivePrimaryExpression:
        return this.evaluateRecursive(node, scope);
      case NodeKind.ListExpression:
      case NodeKind.ListLiteral:
        return {
          kind: 'list',
          items: (node.content.elements as ReadonlyArray<{ node: TNode }>).map((csv) =>
            this.evaluate(csv.node, scope),
          ),
          refs: EMPTY,
        };
      case NodeKind.RecordExpression:
      case NodeKind.RecordLiteral: {
        const fields = new Map<string, MValue>();
        const pairs = node.content.elements as ReadonlyArray<{
          node: { key: { literal: string }; value: TNode };
        }>;
        for (const { node: pair } of pairs) {
          fields.set(decodeMIdentifier(pair.key.literal), this.evaluate(pair.value, scope));
        }
        return { kind: 'record', fields, refs: EMPTY };
      }
      case NodeKind.RangeExpression:
        return opaque(
          mergeRefs(
            this.refsOf(this.evaluate(node.left, scope)),
            this.refsOf(this.evaluate(node.right, scope)),
          ),
        );
      case NodeKind.ArrayWrapper:
      case NodeKind.AsNullablePrimitiveType:
      case NodeKind.AsType:
      case NodeKind.CatchExpression:
      case NodeKind.Constant:
      case NodeKind.Csv:
      case NodeKind.FieldProjection:
      case NodeKind.FieldSelector:
      case NodeKind.FieldSpecification:
      case NodeKind.FieldSpecificationList:
      case NodeKind.FieldTypeSpecification:
      case NodeKind.FunctionType:
      case NodeKind.GeneralizedIdentifier:
      case NodeKind.GeneralizedIdentifierPairedAnyLiteral:
      case NodeKind.GeneralizedIdentifierPairedExpression:
      case NodeKind.Identifier:
      case NodeKind.IdentifierPairedExpression:
      case NodeKind.InvokeExpression:
      case NodeKind.IsNullablePrimitiveType:
      case NodeKind.ItemAccessExpression:
      case NodeKind.ListType:
      case NodeKind.NotImplementedExpression:
      case NodeKind.NullablePrimitiveType:
      case NodeKind.NullableType:
      case NodeKind.OtherwiseExpression:
      case NodeKind.Parameter:
      case NodeKind.ParameterList:
      case NodeKind.PrimitiveType:
      case NodeKind.RecordType:
      case NodeKind.Section:
      case NodeKind.SectionMember:
      case NodeKind.TableType:
      case NodeKind.TypePrimaryType:
        // Types, constants, `...` and pieces only reached through their parents carry no lineage.
        return opaque();
    }
  }

  private evaluateLet(node: PQP.Language.Ast.LetExpression, scope: Scope): MValue {
    const bindings = new Map<string, Binding | MValue>();
    const inner = new Scope(scope, bindings);
    for (const pair of elementsOf(node.variableList)) {
      const name = decodeMIdentifier(pair.key.literal);
      bindings.set(name, { name, node: pair.value, scope: inner });
    }
    return this.evaluate(node.expression, inner);
  }

  private evaluateLiteral(node: PQP.Language.Ast.LiteralExpression): MValue {
    switch (node.literalKind) {
      case PQP.Language.Ast.LiteralKind.Text:
        return text(decodeMTextLiteral(node.literal));
      case PQP.Language.Ast.LiteralKind.Null:
        return { kind: 'null', refs: EMPTY };
      case PQP.Language.Ast.LiteralKind.Logical:
        return logical(node.literal === 'true');
      case PQP.Language.Ast.LiteralKind.Numeric:
      case PQP.Language.Ast.LiteralKind.List:
        return opaque();
    }
  }

  private evaluateArithmetic(node: PQP.Language.Ast.ArithmeticExpression, scope: Scope): MValue {
    const left = this.evaluate(node.left, scope);
    const right = this.evaluate(node.right, scope);
    if (node.operatorConstant.constantKind === PQP.Language.Constant.ArithmeticOperator.And) {
      const leftText = textOf(left);
      const rightText = textOf(right);
      if (leftText !== undefined && rightText !== undefined) {
        const length = leftText.length + rightText.length;
        if (length <= this.env.limits.maxTextChars)
          return text(leftText + rightText, mergeRefs(left.refs, right.refs));
        this.report({
          kind: 'limit_exceeded',
          message: `A text built with & would have ${formatCount(length)} characters, more than the ${formatCount(this.env.limits.maxTextChars)} the analysis keeps; its value is treated as unknown.`,
        });
      } else if (
        left.kind === 'list' &&
        right.kind === 'list' &&
        left.items.length + right.items.length <= MAX_LIST_ITEMS
      ) {
        return {
          kind: 'list',
          items: [...left.items, ...right.items],
          refs: mergeRefs(left.refs, right.refs),
        };
      }
    }
    return opaque(
      mergeRefs(this.refsOf(left), this.refsOf(right)),
      unresolvedOf(left) ?? unresolvedOf(right),
    );
  }

  private choice(options: MValue[], refs: Refs, undecided?: { dependsOn?: string }): MValue {
    return undecided === undefined
      ? { kind: 'choice', options, refs }
      : { kind: 'choice', options, refs, undecided };
  }

  private evaluateIf(node: PQP.Language.Ast.IfExpression, scope: Scope): MValue {
    const condition = this.evaluate(node.condition, scope);
    const conditionRefs = this.refsOf(condition);
    const decided = knownLogical(condition);
    if (decided !== undefined)
      return this.withRefs(
        this.evaluate(decided ? node.trueExpression : node.falseExpression, scope),
        conditionRefs,
      );
    const dependsOn = unresolvedOf(condition);
    return this.choice(
      [this.evaluate(node.trueExpression, scope), this.evaluate(node.falseExpression, scope)],
      conditionRefs,
      dependsOn === undefined ? {} : { dependsOn },
    );
  }

  /** `=`, `<>`, `and`, `or`: a logical when decidable, else opaque (an unknown it depends on is kept). */
  private evaluateComparison(
    node: PQP.Language.Ast.EqualityExpression | PQP.Language.Ast.LogicalExpression,
    scope: Scope,
  ): MValue {
    const left = this.evaluate(node.left, scope);
    const right = this.evaluate(node.right, scope);
    const refs = mergeRefs(this.refsOf(left), this.refsOf(right));
    const decided =
      node.kind === NodeKind.EqualityExpression
        ? decideEquality(node.operatorConstant.constantKind, left, right)
        : decideLogical(node.operatorConstant.constantKind, left, right);
    if (decided !== undefined) return logical(decided, refs);
    return opaque(refs, unresolvedOf(left) ?? unresolvedOf(right));
  }

  private evaluateUnary(node: PQP.Language.Ast.UnaryExpression, scope: Scope): MValue {
    const operand = this.evaluate(node.typeExpression, scope);
    const refs = this.refsOf(operand);
    const operators = node.operators.elements.map((operator) => operator.constantKind);
    const known = knownLogical(operand);
    if (known !== undefined && operators.every((op) => op === PQP.Language.Constant.UnaryOperator.Not))
      return logical(operators.length % 2 === 0 ? known : !known, refs);
    return opaque(refs, unresolvedOf(operand));
  }

  private lookup(name: string, scope: Scope): MValue {
    for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
      const entry = current.bindings.get(name);
      if (entry === undefined) continue;
      if (!isBinding(entry)) return entry;
      return this.force(name, entry);
    }
    const global = this.env.globals.lookup(name, this.evaluateDocument, this.report);
    if (global !== undefined) return global;
    const caseless = this.lookupIgnoringCase(name, scope);
    if (caseless !== undefined) return caseless;
    const structured = structuredSourceCall(name);
    if (structured !== undefined) return this.callStructured(structured);
    if (isLibraryName(name) || this.env.functions[name] !== undefined)
      return { kind: 'builtin', name, refs: EMPTY };
    const inferred = inferStructuredSource(name, this.env.dataSources);
    if (inferred !== undefined) {
      const { hint } = inferred;
      const connection = [hint.server ?? hint.url ?? hint.path, hint.database].filter(Boolean).join(', ');
      this.report({
        kind: 'inferred_data_source',
        parameter: name,
        functionName: inferred.call.functionName,
        message: `"${name}" is not defined in the expression or the dataset; it was taken as the dataset's ${hint.type} datasource (${connection}), as models migrated from Analysis Services name their data sources.`,
      });
      return this.callStructured(inferred.call);
    }
    this.report({
      kind: 'unresolved_reference',
      parameter: name,
      message: `"${name}" is not a step of this expression, a query or table of the dataset or a known parameter.`,
    });
    return opaque(EMPTY, name);
  }

  /** A structured data source is the data-access call its name stands for. */
  private callStructured(call: StructuredCall): MValue {
    const args = call.args.map((arg): MValue => (arg === null ? { kind: 'null', refs: EMPTY } : text(arg)));
    return this.callBuiltin(call.functionName, args);
  }

  /**
   * M names are case-sensitive and Power Query would reject a step referenced with other casing,
   * but hand-edited expressions do this; following the step keeps the lineage and says so.
   */
  private lookupIgnoringCase(name: string, scope: Scope): MValue | undefined {
    const wanted = name.toLowerCase();
    for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
      for (const [key, entry] of current.bindings) {
        if (key.toLowerCase() !== wanted || !isBinding(entry)) continue;
        this.report({
          kind: 'unresolved_reference',
          parameter: name,
          message: `"${name}" is not defined; step "${key}" (different letter case) was followed instead.`,
        });
        return this.force(key, entry);
      }
    }
    return undefined;
  }

  private force(name: string, binding: Binding): MValue {
    if (binding.value !== undefined) return binding.value;
    if (binding.busy === true) {
      this.report({ kind: 'cyclic_reference', parameter: name, message: `Step "${name}" refers to itself.` });
      return opaque();
    }
    binding.busy = true;
    let value: MValue;
    try {
      if (this.depth >= DEPENDENCIES_FIRST_DEPTH) this.forceDependencies(binding);
      value = this.evaluate(binding.node, binding.scope);
    } finally {
      binding.busy = false;
    }
    binding.value = value;
    return value;
  }

  /**
   * Evaluates the steps `root` depends on, transitively, deepest first, without recursion: each is
   * then evaluated when all it uses already has a value, so nesting no longer grows with the length
   * of a step chain. Steps being evaluated (cycles) are left to force(), which reports them.
   */
  private forceDependencies(root: Binding): void {
    const order: Binding[] = [];
    const seen = new Set<Binding>([root]);
    const stack: { binding: Binding; next: number }[] = [{ binding: root, next: 0 }];
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      const dependencies = this.dependenciesOf(top.binding);
      const dependency = dependencies[top.next];
      top.next += 1;
      if (dependency === undefined) {
        stack.pop();
        if (top.binding !== root) order.push(top.binding);
      } else if (!seen.has(dependency) && dependency.value === undefined && dependency.busy !== true) {
        seen.add(dependency);
        stack.push({ binding: dependency, next: 0 });
      }
    }
    for (const binding of order) this.force(binding.name, binding);
  }

  /** The steps (of this or enclosing `let`s) a step's expression refers to. */
  private dependenciesOf(binding: Binding): readonly Binding[] {
    if (binding.dependencies !== undefined) return binding.dependencies;
    const found: Binding[] = [];
    for (const name of freeNames(binding.node)) {
      for (let scope: Scope | undefined = binding.scope; scope !== undefined; scope = scope.parent) {
        const entry = scope.bindings.get(name);
        if (entry === undefined) continue;
        if (isBinding(entry) && entry !== binding) found.push(entry);
        break;
      }
    }
    binding.dependencies = found;
    return found;
  }

  private evaluateRecursive(node: PQP.Language.Ast.RecursivePrimaryExpression, scope: Scope): MValue {
    let current = this.evaluate(node.head, scope);
    for (const step of node.recursiveExpressions.elements) {
      switch (step.kind) {
        case NodeKind.InvokeExpression:
          current = this.invoke(
            current,
            elementsOf(step.content).map((arg) => this.evaluate(arg, scope)),
          );
          break;
        case NodeKind.ItemAccessExpression:
          current = this.itemAccess(current, this.evaluate(step.content, scope));
          break;
        case NodeKind.FieldSelector:
          current = this.fieldAccess(current, decodeMIdentifier(step.content.literal));
          break;
        case NodeKind.FieldProjection:
          current = opaque(this.refsOf(current));
          break;
      }
    }
    return current;
  }

  private itemAccess(target: MValue, selector: MValue): MValue {
    if (target.kind === 'choice') {
      return this.nested(OPAQUE, () =>
        this.choice(
          target.options.map((option) => this.itemAccess(option, selector)),
          target.refs,
          target.undecided,
        ),
      );
    }
    if (target.kind === 'source') {
      const choiceKey = selector.kind === 'record' ? this.choiceInKeys(selector.fields) : undefined;
      if (choiceKey !== undefined) {
        const [key, choice] = choiceKey;
        return this.nested(OPAQUE, () =>
          this.choice(
            choice.options.map((option) =>
              this.itemAccess(target, {
                kind: 'record',
                fields: new Map([
                  ...(selector as { fields: ReadonlyMap<string, MValue> }).fields,
                  [key, option],
                ]),
                refs: selector.refs,
              }),
            ),
            choice.refs,
            choice.undecided,
          ),
        );
      }
      if (selector.kind === 'record') {
        const custom = target.state.navigate;
        const next =
          custom === undefined
            ? navigate(target.state, selector.fields, this.report)
            : custom(target.state, selector.fields);
        return this.withRefs(next, target.refs);
      }
      if (target.state.fallback !== undefined) return opaque(mergeRefs(target.refs, [target.state.fallback]));
      {
        this.report({
          kind: 'unresolved_navigation',
          functionName: target.state.via,
          message: `A ${target.state.via} source is navigated by position or by a computed key; no table can be named.`,
        });
      }
      return opaque(mergeRefs(target.refs, this.refsOf(selector)));
    }
    return opaque(mergeRefs(this.refsOf(target), this.refsOf(selector)));
  }

  /** A navigation key chosen by a condition (`Item = if … then "A" else "B"`): each option is navigated. */
  private choiceInKeys(
    fields: ReadonlyMap<string, MValue>,
  ): [string, Extract<MValue, { kind: 'choice' }>] | undefined {
    for (const [key, value] of fields) {
      if (value.kind === 'choice' && value.options.length <= MAX_CHOICES) return [key, value];
    }
    return undefined;
  }

  private withRefs(value: MValue, refs: Refs): MValue {
    if (refs.length === 0) return value;
    return { ...value, refs: mergeRefs(value.refs, refs) };
  }

  private fieldAccess(target: MValue, field: string): MValue {
    switch (target.kind) {
      case 'source':
        return target;
      case 'record':
        return target.fields.get(field) ?? opaque(target.refs);
      case 'choice':
        return this.nested(OPAQUE, () =>
          this.choice(
            target.options.map((option) => this.fieldAccess(option, field)),
            target.refs,
            target.undecided,
          ),
        );
      case 'opaque':
        // `…{[Schema="dbo",Item="T"]}[Data]`: navigation already gave the table itself.
        if (field === 'Data' && target.columns !== undefined) return target;
        return opaque(this.refsOf(target));
      case 'list':
      case 'text':
      case 'null':
      case 'logical':
      case 'function':
      case 'builtin':
        return opaque(this.refsOf(target));
    }
  }

  private invoke(target: MValue, args: MValue[]): MValue {
    switch (target.kind) {
      case 'builtin':
        return this.callBuiltin(target.name, args);
      case 'function':
        return this.invokeClosure(target.closure, args);
      case 'choice':
        return this.nested(OPAQUE, () =>
          this.choice(
            target.options.map((option) => this.invoke(option, args)),
            target.refs,
            target.undecided,
          ),
        );
      case 'opaque':
        if (target.unresolved !== undefined) return this.callBuiltin(target.unresolved, args);
        return opaque(mergeAllRefs([target.refs, ...args.map(this.refsOf)]));
      case 'source':
      case 'record':
      case 'list':
      case 'text':
      case 'null':
      case 'logical':
        return opaque(mergeAllRefs([this.refsOf(target), ...args.map(this.refsOf)]));
    }
  }

  /**
   * A function's body with its arguments bound. A function called again from inside itself (`@f`)
   * is not followed again: that call's value carries its arguments' references, and the body's own
   * references are those of the outer call.
   */
  private invokeClosure(closure: Closure, args: MValue[]): MValue {
    if (this.invoking.has(closure)) return opaque(mergeAllRefs(args.map(this.refsOf)));
    const bindings = new Map<string, Binding | MValue>();
    closure.params.forEach((param, index) => bindings.set(param, args[index] ?? opaque()));
    this.invoking.add(closure);
    try {
      return this.evaluate(closure.body as TNode, new Scope(closure.scope as Scope, bindings));
    } finally {
      this.invoking.delete(closure);
    }
  }

  private callBuiltin(name: string, args: MValue[]): MValue {
    const handler = this.env.functions[name];
    if (handler !== undefined)
      return this.expandChoices(args, (expanded) => handler(this.callContext(name, expanded)));
    if (!isPureLibraryFunction(name)) {
      this.report({
        kind: 'unsupported_function',
        functionName: name,
        message: `${name} is not a data-access function this connector understands; its lineage is not extracted.`,
      });
    }
    const refs = mergeAllRefs(args.map(this.refsOf));
    if (this.env.trackColumns !== true || !name.startsWith('Table.')) return opaque(refs);
    return tableValue(refs, columnsAfterStep(name, args, this.stepContext));
  }

  /** The columns of a table value (of every option of a choice), when they are followed. */
  columnsOf = (value: MValue | undefined): ColumnSet | undefined => {
    if (value?.kind === 'opaque') return value.columns;
    if (value?.kind !== 'choice') return undefined;
    const sets = value.options.map(this.columnsOf);
    return sets.every((set): set is ColumnSet => set !== undefined) && sets.length > 0
      ? unionOfColumns(sets)
      : undefined;
  };

  private readonly stepContext: StepContext = {
    columnsOf: this.columnsOf,
    names: (value) => {
      if (value?.kind === 'text') return [value.text];
      if (value?.kind !== 'list') return undefined;
      const names = value.items.map(textOf);
      return names.every((name): name is string => name !== undefined) ? names : undefined;
    },
    pairs: (value) => {
      if (value?.kind !== 'list') return undefined;
      const lists = value.items.every((item) => item.kind === 'list') ? value.items : [value];
      const pairs: [string, string][] = [];
      for (const item of lists) {
        if (item.kind !== 'list') return undefined;
        const [from, to] = item.items.map(textOf);
        if (from === undefined || to === undefined) return undefined;
        pairs.push([from, to]);
      }
      return pairs;
    },
    rowFields: (value) =>
      value?.kind === 'function' ? rowFieldReferences(value.closure.body, value.closure.params) : undefined,
    items: (value) => (value?.kind === 'list' ? value.items : undefined),
  };

  /** Calls a handler once per combination of `if` alternatives among its arguments. */
  private expandChoices(args: MValue[], call: (args: MValue[]) => MValue): MValue {
    const index = args.findIndex((arg) => arg.kind === 'choice');
    const choice = args[index];
    if (choice === undefined || choice.kind !== 'choice' || choice.options.length > MAX_CHOICES)
      return call(args);
    const results = choice.options.map((option) => {
      const next = [...args];
      next[index] = option;
      return this.expandChoices(next, call);
    });
    return this.choice(results, choice.refs, choice.undecided);
  }

  private callContext(name: string, args: MValue[]): CallContext {
    const textOfValue = (value: MValue | undefined, role: string): string | undefined => {
      const known = textOf(value);
      if (known !== undefined) return known;
      const parameter = unresolvedOf(value);
      if (parameter !== undefined) {
        this.report({
          kind: 'unresolved_parameter',
          functionName: name,
          parameter,
          message: `The ${role} of ${name} comes from "${parameter}", whose value is unknown.`,
        });
      }
      return undefined;
    };
    return {
      name,
      args,
      options: this.env.options,
      report: this.report,
      refsOf: this.refsOf,
      text: (index, role) => textOfValue(args[index], role),
      textOfValue,
      sqlTablePaths: (sql, platform) => this.env.sqlTablePaths(sql, platform, this.env.deadline),
      sqlColumns: (sql, platform) => this.env.sqlColumns(sql, platform, this.env.deadline),
      limits: this.env.limits,
      trackColumns: this.env.trackColumns === true,
      deadline: this.env.deadline,
    };
  }
}
