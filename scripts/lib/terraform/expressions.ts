/**
 * Finds the references (`var.x`, `aws_iam_role.this[each.key].arn`, `data.t.n.attr`, ...) in a
 * string value produced by hcl2json: a template whose `${...}` and `%{...}` parts hold HCL
 * expression source.
 *
 * A small scanner rather than hcl2json's own `getReferencesInExpression`, which stops at the
 * first index (`aws_iam_role.this[each.key].arn` comes back as `aws_iam_role.this`) and whose
 * AST entry point rejects some quoting. It follows HCL's lexical rules closely enough for
 * references: identifiers may contain `-`, strings and heredocs are templates that can nest
 * interpolations, comments are skipped, function calls (`f(`, `provider::p::f(`) are not
 * references, object keys (`{ key = ... }`) are not references, and the variables that `for`
 * introduces are left out.
 */

export type TraversalPart =
  | { kind: 'attr'; name: string }
  /** `[key]`; `key` is set when the index is a literal string or number. */
  | { kind: 'index'; key?: string }
  | { kind: 'splat' };

export interface Reference {
  root: string;
  parts: TraversalPart[];
}

/** `aws_x.y["k"].arn` back as text, for messages. */
export function referenceText(ref: Reference): string {
  let text = ref.root;
  for (const part of ref.parts) {
    if (part.kind === 'attr') text += `.${part.name}`;
    else if (part.kind === 'splat') text += '[*]';
    else text += part.key === undefined ? '[…]' : `[${JSON.stringify(part.key)}]`;
  }
  return text;
}

const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor']);
const ID_START = /[A-Za-z_]/;
/** Tokens (as recorded in `previous`) after which an expression is complete. */
const VALUE_END = new Set(['id', '0', '"', ')', ']', '}']);
const ID_CONTINUE = /[A-Za-z0-9_-]/;

class Scanner {
  private pos = 0;
  readonly refs: Reference[] = [];
  private readonly forVars = new Set<string>();
  /** The last significant token: tells object keys and traversal steps from references. */
  private previous = '';

  constructor(private readonly src: string) {}

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  /** Template text up to `end` (a closing quote, or the end of input when undefined). */
  template(end?: string): void {
    while (this.pos < this.src.length) {
      if (end !== undefined && this.peek() === end) {
        this.pos++;
        return;
      }
      if (end !== undefined && this.peek() === '\\') {
        this.pos += 2;
      } else if (this.startsWith('$${') || this.startsWith('%%{')) {
        this.pos += 3;
      } else if (this.startsWith('${') || this.startsWith('%{')) {
        this.pos += 2;
        this.previous = '{';
        this.expression('}');
      } else {
        this.pos++;
      }
    }
  }

  /** A heredoc body after `<<MARKER` or `<<-MARKER`, up to the line holding only the marker. */
  private heredoc(): void {
    this.pos += this.peek(2) === '-' ? 3 : 2;
    let marker = '';
    while (ID_CONTINUE.test(this.peek())) marker += this.src[this.pos++];
    const endLine = new RegExp(`\\n[ \\t]*${marker}[ \\t]*(\\n|$)`, 'g');
    endLine.lastIndex = this.pos;
    const found = endLine.exec(this.src);
    const stop = found ? found.index : this.src.length;
    const body = new Scanner(this.src.slice(this.pos, stop));
    for (const v of this.forVars) body.forVars.add(v);
    body.template();
    this.refs.push(...body.refs);
    this.pos = found ? found.index + found[0].length : this.src.length;
  }

  /** Skips blanks and comments; a newline after a complete value separates items like `,`. */
  private skipSpace(): void {
    for (;;) {
      const c = this.peek();
      if (c === '\n' && VALUE_END.has(this.previous)) this.previous = ',';
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '#' || this.startsWith('//')) {
        while (this.pos < this.src.length && this.peek() !== '\n') this.pos++;
      } else if (this.startsWith('/*')) {
        const close = this.src.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? this.src.length : close + 2;
      } else return;
    }
  }

  private identifier(): string {
    let id = '';
    while (this.pos < this.src.length && ID_CONTINUE.test(this.peek())) id += this.src[this.pos++];
    return id;
  }

  /** Expression tokens until the unmatched `closer`, which is consumed. */
  expression(closer: string): void {
    const stack: string[] = [];
    while (this.pos < this.src.length) {
      this.skipSpace();
      const c = this.peek();
      if (c === '') return;
      if (stack.length === 0 && c === closer) {
        this.pos++;
        this.previous = c;
        return;
      }
      if (c === '"') {
        this.pos++;
        this.template('"');
        this.previous = '"';
      } else if (this.startsWith('<<') && /[-A-Za-z_]/.test(this.peek(2))) {
        this.heredoc();
        this.previous = '"';
      } else if (c === '{' || c === '[' || c === '(') {
        stack.push(c);
        this.pos++;
        this.previous = c;
      } else if (c === '}' || c === ']' || c === ')') {
        stack.pop();
        this.pos++;
        this.previous = c;
      } else if (ID_START.test(c)) {
        this.word(stack[stack.length - 1]);
      } else if (/[0-9]/.test(c)) {
        while (/[0-9.eE]/.test(this.peek())) this.pos++;
        this.previous = '0';
      } else {
        this.pos++;
        this.previous = c;
      }
    }
  }

  private word(enclosing: string | undefined): void {
    const afterDot = this.previous === '.';
    const id = this.identifier();
    if (id === 'for') {
      this.forLoopVariables();
      return;
    }
    const rest = this.src.slice(this.pos);
    const isKey =
      enclosing === '{' &&
      (this.previous === '{' || this.previous === ',') &&
      /^\s*(=(?![=>])|:)/.test(rest);
    this.previous = 'id';
    if (afterDot || KEYWORDS.has(id) || isKey || /^\s*(\(|::)/.test(rest)) {
      // A function call, provider function or keyword: skip its namespace, scan its arguments.
      while (this.startsWith('::')) {
        this.pos += 2;
        this.identifier();
      }
      return;
    }
    const parts = this.traversal();
    if (!this.forVars.has(id)) this.refs.push({ root: id, parts });
  }

  /** `for k, v in`: the names before `in` are local to the expression. */
  private forLoopVariables(): void {
    for (;;) {
      this.skipSpace();
      const name = this.identifier();
      if (name === '' || name === 'in') break;
      this.forVars.add(name);
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
    }
    this.previous = 'in';
  }

  private traversal(): TraversalPart[] {
    const parts: TraversalPart[] = [];
    for (;;) {
      if (this.peek() === '.' && ID_START.test(this.peek(1))) {
        this.pos++;
        parts.push({ kind: 'attr', name: this.identifier() });
      } else if (this.startsWith('.*') || this.startsWith('[*]')) {
        this.pos += this.peek() === '.' ? 2 : 3;
        parts.push({ kind: 'splat' });
      } else if (this.peek() === '.' && /[0-9]/.test(this.peek(1))) {
        this.pos++;
        let digits = '';
        while (/[0-9]/.test(this.peek())) digits += this.src[this.pos++];
        parts.push({ kind: 'index', key: digits });
      } else if (this.peek() === '[') {
        parts.push(this.index());
      } else {
        return parts;
      }
    }
  }

  /** `[...]`: a literal key is kept; any other key is scanned for references of its own. */
  private index(): TraversalPart {
    const literal = /^\[\s*("((?:[^"\\$%]|\\.)*)"|[0-9]+)\s*\]/.exec(this.src.slice(this.pos));
    if (literal) {
      this.pos += literal[0].length;
      const key = literal[2] ?? literal[1] ?? '';
      return { kind: 'index', key };
    }
    this.pos++;
    this.previous = '[';
    this.expression(']');
    this.previous = 'id';
    return { kind: 'index' };
  }
}

/** References in one hcl2json string value (plain text yields none). */
export function referencesIn(value: string): Reference[] {
  if (!value.includes('${') && !value.includes('%{')) return [];
  const scanner = new Scanner(value);
  scanner.template();
  return scanner.refs;
}
