/**
 * Just enough scope analysis for the tool-code checks: which names a piece of code
 * declares itself (so `function process() {}` is the tool's own and not Node's), and
 * what a declared name was initialised with (so `const F = Function.prototype` or
 * `const k = 'constr' + 'uctor'` is seen through one alias).
 *
 * Reassignments are not followed: the classification of a binding is that of its
 * declaration. That keeps the analysis small and predictable; the rules built on it
 * are a policy gate in front of the sandbox, not its isolation boundary.
 */
import type * as acorn from 'acorn';
import { childEntries, isFunctionNode, staticMemberName, type AstNode } from './ast.js';

export type BindingKind = 'function' | 'class' | 'param' | 'var' | 'let' | 'const' | 'catch' | 'import';

export interface Binding {
  kind: BindingKind;
  /** The initialiser, only for `x = <init>` declarations of a plain identifier. */
  init?: AstNode;
  scope: Scope;
}

export class Scope {
  readonly bindings = new Map<string, Binding>();
  constructor(readonly parent: Scope | undefined) {}

  declare(name: string, kind: BindingKind, init?: AstNode): void {
    // The first declaration wins for its initialiser; later `var` redeclarations do not
    // reset what is known (see the module comment about reassignments).
    if (!this.bindings.has(name)) this.bindings.set(name, { kind, init, scope: this });
  }

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }

  /** The initialiser of a `const` holding a plain value, for constant folding. */
  constantInit(name: string): AstNode | undefined {
    const binding = this.lookup(name);
    return binding?.kind === 'const' ? binding.init : undefined;
  }
}

export function patternNames(pattern: AstNode): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((property) => patternNames(property.type === 'RestElement' ? property.argument : property.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'RestElement':
      return patternNames(pattern.argument);
    default:
      return [];
  }
}

/**
 * `const { prototype: p } = Array` reads `Array.prototype` just like `const p = Array.prototype`:
 * a top-level property of an object pattern is recorded as a member read of the
 * initialiser, so the binding is classified the same way. Deeper patterns are not.
 */
function declareDestructured(pattern: acorn.Pattern, init: acorn.Expression | null | undefined, kind: BindingKind, scope: Scope): void {
  const declared = new Set<string>();
  if (pattern.type === 'ObjectPattern' && init) {
    for (const property of pattern.properties) {
      if (property.type !== 'Property' || property.computed) continue;
      const target = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
      if (target.type !== 'Identifier') continue;
      const key = property.key.type === 'Identifier' ? property.key.name : property.key.type === 'Literal' ? String(property.key.value) : undefined;
      if (key === undefined) continue;
      const read: acorn.MemberExpression = {
        type: 'MemberExpression', object: init, property: { type: 'Identifier', name: key, start: property.key.start, end: property.key.end },
        computed: false, optional: false, start: property.start, end: property.end,
      };
      scope.declare(target.name, kind === 'const' ? 'const' : kind, read);
      declared.add(target.name);
    }
  }
  // Destructured names have no single initialiser to fold constants from: only record them as declared.
  for (const name of patternNames(pattern)) if (!declared.has(name)) scope.declare(name, kind === 'const' ? 'let' : kind);
}

function declareVariables(declaration: acorn.VariableDeclaration, scope: Scope): void {
  const kind: BindingKind = declaration.kind === 'var' ? 'var' : declaration.kind === 'const' ? 'const' : 'let';
  for (const declarator of declaration.declarations) {
    if (declarator.id.type === 'Identifier') scope.declare(declarator.id.name, kind, declarator.init ?? undefined);
    else declareDestructured(declarator.id, declarator.init, kind, scope);
  }
}

/**
 * Names the host's global object has. In a script, a top-level `var eval;` without an
 * initialiser does not shadow anything: it names the existing global, value and all.
 */
const HOST_GLOBAL_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(globalThis),
  'eval', 'Function', 'require', 'module', 'exports', 'process', 'global', 'globalThis', 'self', 'window', 'frames', 'top', 'parent', 'http',
]);

/**
 * `var` declarations and (sloppy-mode, nested) function declarations belong to the
 * whole function. At the top of a script, `var <global>` without an initialiser is
 * left undeclared, so uses of the name are checked as the global they are.
 */
export function declareHoisted(body: AstNode, scope: Scope, isScriptTop = false): void {
  for (const [, child] of childEntries(body)) {
    if (child.type === 'FunctionDeclaration') {
      if (child.id) scope.declare(child.id.name, 'function');
      continue;
    }
    if (isFunctionNode(child) || child.type === 'ClassDeclaration' || child.type === 'ClassExpression') continue;
    if (child.type === 'VariableDeclaration' && child.kind === 'var') {
      const declarators = isScriptTop
        ? child.declarations.filter((declarator) => !(declarator.id.type === 'Identifier' && !declarator.init && HOST_GLOBAL_NAMES.has(declarator.id.name)))
        : child.declarations;
      declareVariables({ ...child, declarations: declarators }, scope);
    }
    declareHoisted(child, scope, isScriptTop);
  }
}

/** Declarations that belong to the block that directly contains them. */
export function declareLexical(statements: readonly AstNode[], scope: Scope): void {
  for (const statement of statements) {
    const declaration =
      statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (!declaration) continue;
    if (declaration.type === 'VariableDeclaration' && declaration.kind !== 'var') declareVariables(declaration, scope);
    else if (declaration.type === 'FunctionDeclaration' && declaration.id) scope.declare(declaration.id.name, 'function');
    else if (declaration.type === 'ClassDeclaration' && declaration.id) scope.declare(declaration.id.name, 'class');
    else if (declaration.type === 'ImportDeclaration') {
      for (const specifier of declaration.specifiers) scope.declare(specifier.local.name, 'import');
    }
  }
}

/** The scope a node opens, or undefined when it opens none. */
export function scopeOpenedBy(node: AstNode, parent: Scope): Scope | undefined {
  switch (node.type) {
    case 'Program': {
      const scope = new Scope(parent);
      declareHoisted(node, scope, true);
      declareLexical(node.body, scope);
      return scope;
    }
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': {
      const scope = new Scope(parent);
      if (node.type === 'FunctionExpression' && node.id) scope.declare(node.id.name, 'function');
      // Non-arrow functions have their own `arguments` (data: the call's arguments).
      if (node.type !== 'ArrowFunctionExpression') scope.declare('arguments', 'param');
      for (const param of node.params) for (const name of patternNames(param)) scope.declare(name, 'param');
      if (node.body.type === 'BlockStatement') declareHoisted(node.body, scope);
      return scope;
    }
    case 'BlockStatement':
    case 'StaticBlock': {
      const scope = new Scope(parent);
      declareLexical(node.body, scope);
      return scope;
    }
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const scope = new Scope(parent);
      const head = node.type === 'ForStatement' ? node.init : node.left;
      if (head?.type === 'VariableDeclaration' && head.kind !== 'var') declareLexical([head], scope);
      return scope;
    }
    case 'SwitchStatement': {
      const scope = new Scope(parent);
      declareLexical(node.cases.flatMap((switchCase) => switchCase.consequent), scope);
      return scope;
    }
    case 'CatchClause': {
      const scope = new Scope(parent);
      if (node.param) for (const name of patternNames(node.param)) scope.declare(name, 'catch');
      return scope;
    }
    case 'ClassExpression':
    case 'ClassDeclaration': {
      if (!node.id) return undefined;
      const scope = new Scope(parent);
      scope.declare(node.id.name, 'class');
      return scope;
    }
    default:
      return undefined;
  }
}

/** Names through which the global object itself is reachable. */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'self', 'window', 'global', 'frames', 'top', 'parent']);
const PLAIN_GLOBAL_VALUES: ReadonlySet<string> = new Set(['undefined', 'NaN', 'Infinity']);

/**
 * What kind of value an expression may be, as far as the checks care, from most to
 * least dangerous to index with a computed key or to write through:
 * - global-object: the global object itself;
 * - prototype: a built-in prototype (or anything reached through `__proto__`/getPrototypeOf);
 * - builtin: a host global other than the global object (`Object`, `Math.max`, ...);
 * - function: a function or class the code can hold (declared, literal, or a method such as `xs.map`);
 * - dynamic: the result of a computed lookup whose key is unknown (could be any of the above);
 * - data: anything else.
 */
export type ValueClass = 'global-object' | 'prototype' | 'builtin' | 'function' | 'dynamic' | 'data';

const DANGER: Record<ValueClass, number> = { 'global-object': 5, prototype: 4, builtin: 3, function: 2, dynamic: 1, data: 0 };

function worst(a: ValueClass, b: ValueClass): ValueClass {
  return DANGER[a] >= DANGER[b] ? a : b;
}

/**
 * Names of methods of the standard built-ins (taken from the intrinsics of this very
 * engine rather than a hand list, so it cannot fall behind). `xs.map[key]` is treated
 * as a lookup on a function.
 */
export const BUILTIN_METHOD_NAMES: ReadonlySet<string> = (() => {
  const holders: object[] = [
    Object, Object.prototype, Array, Array.prototype, String, String.prototype, Number, Number.prototype, Function.prototype,
    Promise, Promise.prototype, Map.prototype, Set.prototype, Date, Date.prototype, RegExp.prototype, Math, JSON, Reflect,
  ];
  const names = new Set<string>();
  for (const holder of holders) {
    for (const name of Object.getOwnPropertyNames(holder)) {
      const descriptor = Object.getOwnPropertyDescriptor(holder, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return names;
})();

export function classifyValue(node: AstNode, scope: Scope, seen: Set<AstNode> = new Set()): ValueClass {
  if (seen.has(node) || seen.size > 64) return 'dynamic';
  seen.add(node);
  switch (node.type) {
    case 'Identifier': {
      const binding = scope.lookup(node.name);
      if (!binding) {
        if (GLOBAL_OBJECT_NAMES.has(node.name)) return 'global-object';
        return PLAIN_GLOBAL_VALUES.has(node.name) ? 'data' : 'builtin';
      }
      if (binding.kind === 'function' || binding.kind === 'class') return 'function';
      return binding.init ? classifyValue(binding.init, binding.scope, seen) : 'data';
    }
    case 'MemberExpression': {
      if (node.object.type === 'Super') return 'data';
      const name = staticMemberName(node, (constant) => scope.constantInit(constant));
      if (name === undefined) return 'dynamic';
      if (name === '__proto__') return 'prototype';
      const owner = classifyValue(node.object, scope, seen);
      if (owner === 'global-object') {
        if (GLOBAL_OBJECT_NAMES.has(name)) return 'global-object';
        return PLAIN_GLOBAL_VALUES.has(name) ? 'data' : 'builtin';
      }
      if (owner === 'builtin' || owner === 'prototype') return name === 'prototype' ? 'prototype' : 'builtin';
      if (owner === 'dynamic') return 'dynamic';
      return BUILTIN_METHOD_NAMES.has(name) ? 'function' : 'data';
    }
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ClassExpression':
      return 'function';
    case 'CallExpression': {
      if (node.callee.type !== 'MemberExpression') return 'data';
      const name = staticMemberName(node.callee);
      if (name === 'getPrototypeOf') return 'prototype';
      if (name === 'getOwnPropertyDescriptor' || name === 'getOwnPropertyDescriptors') return 'dynamic';
      if (name === 'bind') return 'function';
      return 'data';
    }
    case 'ConditionalExpression':
      return worst(classifyValue(node.consequent, scope, seen), classifyValue(node.alternate, scope, seen));
    case 'LogicalExpression':
      return worst(classifyValue(node.left, scope, seen), classifyValue(node.right, scope, seen));
    case 'SequenceExpression': {
      const last = node.expressions[node.expressions.length - 1];
      return last ? classifyValue(last, scope, seen) : 'data';
    }
    case 'AssignmentExpression':
      return classifyValue(node.right, scope, seen);
    case 'ChainExpression':
      return classifyValue(node.expression, scope, seen);
    default:
      return 'data';
  }
}
