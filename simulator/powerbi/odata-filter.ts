/**
 * A small OData $filter evaluator covering what Power BI documents for admin/groups and groups:
 * eq/ne, and/or/not, parentheses, contains/startswith/endswith, and users/any(...) lambdas, e.g.
 * `(not users/any()) or (not users/any(u: u/groupUserAccessRight eq Microsoft.PowerBI.ServiceContracts.Api.GroupUserAccessRight'Admin'))`.
 */
export type FilterValue = string | number | boolean | null | undefined;

export interface FilterSubject {
  field(name: string): FilterValue;
  collection(name: string): FilterSubject[];
}

type Token = { t: 'punct'; v: string } | { t: 'str'; v: string } | { t: 'word'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if ('(),:'.includes(ch)) {
      tokens.push({ t: 'punct', v: ch });
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated string');
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push({ t: 'str', v: value });
    } else {
      const m = /^[A-Za-z0-9_./-]+/.exec(text.slice(i));
      if (!m) throw new Error(`unexpected '${ch}'`);
      i += m[0].length;
      // Enum literal: Namespace.Type'Value' → the value.
      if (text[i] === "'" && m[0].includes('.')) continue;
      tokens.push({ t: 'word', v: m[0] });
    }
  }
  return tokens;
}

type Node = (subject: FilterSubject, scope: Map<string, FilterSubject>) => FilterValue;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) throw new Error('unexpected trailing input');
    return node;
  }

  private peekWord(word: string): boolean {
    const tok = this.tokens[this.pos];
    return tok?.t === 'word' && tok.v.toLowerCase() === word;
  }

  private expect(v: string): void {
    const tok = this.tokens[this.pos++];
    if (tok?.t !== 'punct' || tok.v !== v) throw new Error(`expected '${v}'`);
  }

  private or(): Node {
    let left = this.and();
    while (this.peekWord('or')) {
      this.pos++;
      const l = left;
      const r = this.and();
      left = (s, sc) => Boolean(l(s, sc)) || Boolean(r(s, sc));
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peekWord('and')) {
      this.pos++;
      const l = left;
      const r = this.unary();
      left = (s, sc) => Boolean(l(s, sc)) && Boolean(r(s, sc));
    }
    return left;
  }

  private unary(): Node {
    if (this.peekWord('not')) {
      this.pos++;
      const inner = this.unary();
      return (s, sc) => !inner(s, sc);
    }
    const left = this.primary();
    for (const op of ['eq', 'ne']) {
      if (this.peekWord(op)) {
        this.pos++;
        const right = this.primary();
        const norm = (v: FilterValue): string => String(v ?? null).toLowerCase();
        return op === 'eq'
          ? (s, sc) => norm(left(s, sc)) === norm(right(s, sc))
          : (s, sc) => norm(left(s, sc)) !== norm(right(s, sc));
      }
    }
    return left;
  }

  private primary(): Node {
    const tok = this.tokens[this.pos++];
    if (!tok) throw new Error('unexpected end of filter');
    if (tok.t === 'str') return () => tok.v;
    if (tok.t === 'punct') {
      if (tok.v !== '(') throw new Error(`unexpected '${tok.v}'`);
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    const word = tok.v;
    if (word === 'true' || word === 'false') return () => word === 'true';
    if (word === 'null') return () => null;
    if (/^-?\d+(\.\d+)?$/.test(word)) return () => Number(word);
    const fn = word.toLowerCase();
    if (['contains', 'startswith', 'endswith'].includes(fn) && this.tokens[this.pos]?.v === '(') {
      this.expect('(');
      const a = this.or();
      this.expect(',');
      const b = this.or();
      this.expect(')');
      const test = (x: string, y: string): boolean =>
        fn === 'contains' ? x.includes(y) : fn === 'startswith' ? x.startsWith(y) : x.endsWith(y);
      return (s, sc) => test(String(a(s, sc) ?? '').toLowerCase(), String(b(s, sc) ?? '').toLowerCase());
    }
    if (/\/any$/i.test(word)) return this.any(word.slice(0, -4));
    return (s, sc) => {
      const [head, ...rest] = word.split('/');
      const bound = head !== undefined ? sc.get(head) : undefined;
      return bound ? bound.field(rest.join('/')) : s.field(word);
    };
  }

  private any(collection: string): Node {
    this.expect('(');
    if (this.tokens[this.pos]?.v === ')') {
      this.pos++;
      return (s) => s.collection(collection).length > 0;
    }
    const variable = this.tokens[this.pos++];
    if (variable?.t !== 'word') throw new Error('expected lambda variable');
    this.expect(':');
    const body = this.or();
    this.expect(')');
    return (s, sc) =>
      s.collection(collection).some((item) => Boolean(body(s, new Map(sc).set(variable.v, item))));
  }
}

/** Compiles a filter or throws with a message fit for a 400 answer. */
export function compileFilter(text: string): (subject: FilterSubject) => boolean {
  const node = new Parser(tokenize(text)).parse();
  return (subject) => Boolean(node(subject, new Map()));
}
